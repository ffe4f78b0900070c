"""core: a person's unit or ward at their centre (requirements may target it)

Revision ID: 0014_person_unit
Revises: 0013_sso
Create Date: 2026-11-30 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_person_unit'
down_revision = '0013_sso'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('unit', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('unit')
