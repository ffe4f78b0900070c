"""core: when a user was deactivated and anonymised

Revision ID: 0006_user_lifecycle
Revises: 0005_certificates
Create Date: 2026-11-25 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_user_lifecycle'
down_revision = '0005_certificates'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): a batch copy on SQLite would lose the expression
    # index on lower(email), which SQLite cannot reflect.
    op.add_column('user_account', sa.Column('deactivated_at', sa.DateTime(), nullable=True))
    op.add_column('user_account', sa.Column('anonymised_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('deactivated_at')
    if op.get_bind().dialect.name == 'sqlite':  # the batch copy dropped it
        op.execute('DROP INDEX IF EXISTS uq_user_account_email_lower')
        op.create_index(
            'uq_user_account_email_lower', 'user_account', [sa.text('lower(email)')], unique=True
        )
