"""reports: tallies of the status and completion tables, a centre's people by name (issue 18, 1,000,000 enrolments)

Revision ID: 0020_reports_tally
Revises: 0019_user_roles
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_reports_tally'
down_revision = '0019_user_roles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reports_tally',
    sa.Column('centre_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('centre_key', 'course_id', 'profession', 'kind', 'month', name=op.f('pk_reports_tally'))
    )
    op.create_table('reports_month_tally',
    sa.Column('centre_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('centre_key', 'course_id', 'profession', 'month', name=op.f('pk_reports_month_tally'))
    )
    with op.batch_alter_table('reports_status', schema=None) as batch_op:
        batch_op.create_index('ix_reports_status_expires', ['expires_on'], unique=False)
        batch_op.create_index('ix_reports_status_due', ['due_on'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_centre_name', ['centre_id', 'name', 'id'], unique=False)
    _fill()


def _fill():
    """The tallies of the rows already there, by the plugin's own statements (the kinds live
    in one place); `flask reports rebuild` after the upgrade does the same."""
    from lms.plugins.reports.tally import MONTH_KEY, TALLY_KEY, month_rows, tally_rows

    bind = op.get_bind()
    meta = sa.MetaData()

    def table(name):
        return sa.Table(name, meta, autoload_with=bind, resolve_fks=False)

    bind.execute(sa.insert(table('reports_tally')).from_select(
        [*TALLY_KEY, 'n'], tally_rows(table('reports_status'))))
    bind.execute(sa.insert(table('reports_month_tally')).from_select(
        [*MONTH_KEY, 'n'], month_rows(table('reports_completion'))))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_centre_name')
    with op.batch_alter_table('reports_status', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_status_due')
        batch_op.drop_index('ix_reports_status_expires')
    op.drop_table('reports_month_tally')
    op.drop_table('reports_tally')
