"""enrolment: job titles mapped to professions; staff files waiting for confirmation

The four new professions (assistant_nurse, biomedical_scientist, pharmacy_technician,
prescriptionist) need no change: user_account.profession was created as a non-native enum,
a VARCHAR(20) without a CHECK constraint, on SQLite and PostgreSQL alike (0001_core).

Revision ID: 0018_job_titles
Revises: 0017_search
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_job_titles'
down_revision = '0017_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrolment_job_title',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('title')
    )
    op.create_table('enrolment_import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('assign', sa.Boolean(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('ignored', sa.JSON(), nullable=False),
    sa.Column('identity_columns', sa.JSON(), nullable=False),
    sa.Column('titles', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enrolment_import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_import_batch_actor_id'), ['actor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('enrolment_import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_import_batch_actor_id'))
    op.drop_table('enrolment_import_batch')
    op.drop_table('enrolment_job_title')
