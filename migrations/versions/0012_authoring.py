"""authoring: draft workspaces and their files; where a course is managed; change notes

Revision ID: 0012_authoring
Revises: 0011_open_badges
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_authoring'
down_revision = '0011_open_badges'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy of the content tables, which reference each other):
    # every existing course is managed from courses/, every existing version has no note.
    op.add_column(
        'content_course',
        sa.Column('managed_in', sa.String(length=10), server_default='courses', nullable=False),
    )
    op.add_column('content_version', sa.Column('change_note', sa.Text(), nullable=True))
    op.create_table('authoring_workspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('owners', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_authoring_workspace_course_id_content_course')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_authoring_workspace_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_authoring_workspace_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authoring_workspace')),
    sa.UniqueConstraint('course_id', name=op.f('uq_authoring_workspace_course_id'))
    )
    op.create_table('authoring_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_authoring_file_updated_by_id_user_account')),
    sa.ForeignKeyConstraint(['workspace_id'], ['authoring_workspace.id'], name=op.f('fk_authoring_file_workspace_id_authoring_workspace')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authoring_file')),
    sa.UniqueConstraint('workspace_id', 'path', name=op.f('uq_authoring_file_workspace_id_path'))
    )


def downgrade():
    op.drop_table('authoring_file')
    op.drop_table('authoring_workspace')
    # SQLite (3.35+) and PostgreSQL both drop a column in place; a batch copy of these two
    # tables would have to recreate the foreign keys between them.
    op.drop_column('content_version', 'change_note')
    op.drop_column('content_course', 'managed_in')
