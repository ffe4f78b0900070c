"""enrolment: enrolments, progress, completions, assignments, course keys

Revision ID: 0003_enrolment
Revises: 0002_content
Create Date: 2026-11-25 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_enrolment'
down_revision = '0002_content'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrolment_enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_enrolment_enrolment_course_id_content_course')),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['user_account.id'], name=op.f('fk_enrolment_enrolment_enrolled_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_enrolment_enrolment_user_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['content_version.id'], name=op.f('fk_enrolment_enrolment_version_id_content_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_enrolment')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_enrolment_enrolment_user_id_course_id'))
    )
    with op.batch_alter_table('enrolment_enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_enrolment_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_enrolment_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_enrolment_version_id'), ['version_id'], unique=False)

    op.create_table('enrolment_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('score_percent', sa.Double(), nullable=True),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['carried_from_id'], ['enrolment_progress.id'], name=op.f('fk_enrolment_progress_carried_from_id_enrolment_progress')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment_enrolment.id'], name=op.f('fk_enrolment_progress_enrolment_id_enrolment_enrolment')),
    sa.ForeignKeyConstraint(['module_id'], ['content_module.id'], name=op.f('fk_enrolment_progress_module_id_content_module')),
    sa.ForeignKeyConstraint(['quiz_id'], ['content_quiz.id'], name=op.f('fk_enrolment_progress_quiz_id_content_quiz')),
    sa.ForeignKeyConstraint(['version_id'], ['content_version.id'], name=op.f('fk_enrolment_progress_version_id_content_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_progress')),
    sa.UniqueConstraint('enrolment_id', 'module_id', name=op.f('uq_enrolment_progress_enrolment_id_module_id')),
    sa.UniqueConstraint('enrolment_id', 'quiz_id', name=op.f('uq_enrolment_progress_enrolment_id_quiz_id'))
    )
    with op.batch_alter_table('enrolment_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_progress_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_progress_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_progress_version_id'), ['version_id'], unique=False)

    op.create_table('enrolment_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.Column('score_percent', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_enrolment_completion_course_id_content_course')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment_enrolment.id'], name=op.f('fk_enrolment_completion_enrolment_id_enrolment_enrolment')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_enrolment_completion_user_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['content_version.id'], name=op.f('fk_enrolment_completion_version_id_content_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_completion')),
    sa.UniqueConstraint('enrolment_id', 'version_id', name=op.f('uq_enrolment_completion_enrolment_id_version_id'))
    )
    with op.batch_alter_table('enrolment_completion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_completion_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_completion_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_completion_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_completion_version_id'), ['version_id'], unique=False)

    op.create_table('enrolment_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_enrolment_assignment_assigned_by_id_user_account')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_enrolment_assignment_centre_id_centre')),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_enrolment_assignment_course_id_content_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_enrolment_assignment_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_assignment'))
    )
    with op.batch_alter_table('enrolment_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_assignment_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_assignment_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_assignment_user_id'), ['user_id'], unique=False)

    op.create_table('enrolment_course_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=255), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_enrolment_course_key_course_id_content_course')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], name=op.f('fk_enrolment_course_key_set_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_course_key'))
    )
    with op.batch_alter_table('enrolment_course_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_course_key_course_id'), ['course_id'], unique=False)


def downgrade():
    with op.batch_alter_table('enrolment_course_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_course_key_course_id'))
    op.drop_table('enrolment_course_key')

    with op.batch_alter_table('enrolment_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_assignment_course_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_assignment_centre_id'))
    op.drop_table('enrolment_assignment')

    with op.batch_alter_table('enrolment_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_completion_version_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_completion_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_completion_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_completion_course_id'))
    op.drop_table('enrolment_completion')

    with op.batch_alter_table('enrolment_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_progress_version_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_progress_module_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_progress_enrolment_id'))
    op.drop_table('enrolment_progress')

    with op.batch_alter_table('enrolment_enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_enrolment_version_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_enrolment_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_enrolment_course_id'))
    op.drop_table('enrolment_enrolment')
