"""reports: status and completion tables, filled from the records already there

Revision ID: 0007_reports_status
Revises: 0006_user_lifecycle
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_reports_status'
down_revision = '0006_user_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reports_status',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('enrolled', sa.Integer(), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(), nullable=True),
    sa.Column('assign_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('comp_at', sa.DateTime(), nullable=True),
    sa.Column('cert_id', sa.Integer(), nullable=True),
    sa.Column('cert_code', sa.String(length=32), nullable=True),
    sa.Column('cert_completed_at', sa.DateTime(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('revoked', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_reports_status_centre_id_centre')),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_reports_status_course_id_content_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reports_status_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_reports_status'))
    )
    with op.batch_alter_table('reports_status', schema=None) as batch_op:
        batch_op.create_index('ix_reports_status_centre', [
            'centre_id', 'course_id', 'profession', 'active', 'comp_at', 'revoked', 'cert_id',
            'expires_on', 'cert_completed_at', 'due_on', 'enrolled', 'progress', 'assign_id',
        ], unique=False)
        batch_op.create_index('ix_reports_status_course', ['course_id'], unique=False)
    op.create_table('reports_completion',
    sa.Column('completion_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_reports_completion_centre_id_centre')),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_reports_completion_course_id_content_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reports_completion_user_id_user_account')),
    sa.PrimaryKeyConstraint('completion_id', name=op.f('pk_reports_completion'))
    )
    with op.batch_alter_table('reports_completion', schema=None) as batch_op:
        batch_op.create_index('ix_reports_completion_centre', ['centre_id', 'completed_at', 'course_id', 'profession'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_completion_user_id'), ['user_id'], unique=False)
    _fill()


def _fill():
    """The facts of everyone who trained before this table existed, computed by the reports
    plugin's own statement (the status rules live in one place) over the tables as they are
    now. Should a later change of that statement ever make this fail on an old database,
    `flask reports rebuild` after the upgrade does the same."""
    from lms.plugins.reports.query import (
        CERTIFICATE_TABLE, COMPLETION_COLUMNS, ENROLMENT_TABLES, FACT_COLUMNS, Filter, Tables,
        counted_completions, fact_rows,
    )

    bind = op.get_bind()
    meta = sa.MetaData()

    def table(name):
        return sa.Table(name, meta, autoload_with=bind, resolve_fks=False)

    records = Tables(*(table(name) for name in ENROLMENT_TABLES), cert=table(CERTIFICATE_TABLE))
    everyone = Filter(all_centres=True)
    bind.execute(
        sa.insert(table('reports_status')).from_select(FACT_COLUMNS, fact_rows(records, everyone))
    )
    bind.execute(
        sa.insert(table('reports_completion')).from_select(
            COMPLETION_COLUMNS, counted_completions(records, everyone)
        )
    )


def downgrade():
    with op.batch_alter_table('reports_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_completion_user_id'))
        batch_op.drop_index('ix_reports_completion_centre')
    op.drop_table('reports_completion')
    with op.batch_alter_table('reports_status', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_status_course')
        batch_op.drop_index('ix_reports_status_centre')
    op.drop_table('reports_status')
