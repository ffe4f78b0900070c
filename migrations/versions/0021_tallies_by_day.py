"""reports: expiry and due dates tallied by day, people without a record; compliance: facts and tallies for the digest panel and the matrix's column counts (issue 18, 1,000,000 enrolments)

Revision ID: 0021_tallies_by_day
Revises: 0020_reports_tally
Create Date: 2026-11-30 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_tallies_by_day'
down_revision = '0020_reports_tally'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('compliance_fact',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=120), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('until_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_compliance_fact_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'course_id', name=op.f('pk_compliance_fact'))
    )
    with op.batch_alter_table('compliance_fact', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_fact_kind', ['kind', 'centre_id', 'on_date'], unique=False)
    op.create_table('compliance_tally',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('centre_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=120), nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('until_date', sa.Date(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'centre_id', 'profession', 'unit', 'course_id', 'on_date', 'until_date', name=op.f('pk_compliance_tally'))
    )
    with op.batch_alter_table('compliance_tally', schema=None) as batch_op:
        batch_op.create_index('ix_compliance_tally_held', ['kind', 'centre_id', 'course_id', 'on_date'], unique=False)
    op.create_table('reports_day_tally',
    sa.Column('centre_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('centre_key', 'day', 'course_id', 'profession', 'kind', name=op.f('pk_reports_day_tally'))
    )
    with op.batch_alter_table('reports_day_tally', schema=None) as batch_op:
        batch_op.create_index('ix_reports_day_tally_day', ['day'], unique=False)
    op.create_table('reports_untrained',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_reports_untrained_centre_id_centre')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reports_untrained_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reports_untrained'))
    )
    with op.batch_alter_table('reports_untrained', schema=None) as batch_op:
        batch_op.create_index('ix_reports_untrained_centre', ['centre_id', 'profession'], unique=False)
    _fill_days()
    _fill()


def _fill_days():
    """The day tallies of the status rows already there, by the plugin's own statement."""
    from lms.plugins.reports.tally import DAY_KEY, day_rows

    bind = op.get_bind()
    meta = sa.MetaData()

    def table(name):
        return sa.Table(name, meta, autoload_with=bind, resolve_fks=False)

    bind.execute(sa.insert(table('reports_day_tally')).from_select(
        [*DAY_KEY, 'n'], day_rows(table('reports_status'))))
    # Not reflected: SQLite cannot reflect user_account's expression index.
    users = sa.table('user_account', sa.column('id'), sa.column('centre_id'),
                     sa.column('profession'), sa.column('active'))
    status = table('reports_status')
    bind.execute(sa.insert(table('reports_untrained')).from_select(
        ['user_id', 'centre_id', 'profession'],
        sa.select(users.c.id, users.c.centre_id, sa.cast(users.c.profession, sa.String)).where(
            users.c.active.is_(True),
            users.c.centre_id.isnot(None),
            ~sa.exists().where(status.c.user_id == users.c.id),
        ),
    ))


def _fill():
    """The facts and tallies of the records already there, by the plugin's own statements
    (the rules live in one place); `flask lms rebuild-compliance` does the same. Skipped
    when this app runs without the compliance plugin (then rebuild when it is switched on)."""
    from flask import current_app

    from lms.plugins import enabled_plugins

    if 'compliance' not in enabled_plugins(current_app):
        return
    from lms.plugins.compliance.tally import rebuild

    rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table('reports_untrained', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_untrained_centre')
    op.drop_table('reports_untrained')
    with op.batch_alter_table('reports_day_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_day_tally_day')
    op.drop_table('reports_day_tally')
    with op.batch_alter_table('compliance_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_tally_held')
    op.drop_table('compliance_tally')
    with op.batch_alter_table('compliance_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_fact_kind')
    op.drop_table('compliance_fact')
