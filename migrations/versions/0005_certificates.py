"""certificates: one certificate per completion, with snapshots of what it states

Revision ID: 0005_certificates
Revises: 0004_quizzes
Create Date: 2026-11-25 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_certificates'
down_revision = '0004_quizzes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('profession', sa.String(length=20), nullable=False),
    sa.Column('centre_name', sa.String(length=200), nullable=True),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('course_title', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('score_percent', sa.Float(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_certificates_certificate_course_id_content_course')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_certificates_certificate_revoked_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_certificates_certificate_user_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['content_version.id'], name=op.f('fk_certificates_certificate_version_id_content_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_certificate_code')),
    sa.UniqueConstraint('completion_id', name=op.f('uq_certificates_certificate_completion_id'))
    )
    with op.batch_alter_table('certificates_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_certificate_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_certificate_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_certificate_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_certificate_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificates_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_certificate_version_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_certificate_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_certificate_expires_on'))
        batch_op.drop_index(batch_op.f('ix_certificates_certificate_course_id'))

    op.drop_table('certificates_certificate')
