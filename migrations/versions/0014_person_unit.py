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


# Plain ALTER TABLE, not batch mode: on SQLite a batch rebuild of user_account would
# drop the expression index uq_user_account_email_lower (SQLite >= 3.35 drops columns).
def upgrade():
    op.add_column('user_account', sa.Column('unit', sa.String(length=120), nullable=True))


def downgrade():
    op.drop_column('user_account', 'unit')
