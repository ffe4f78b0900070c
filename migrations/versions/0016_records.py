"""records: the audit trail refuses UPDATE and DELETE; signed acknowledgements; outside training

Revision ID: 0016_records
Revises: 0015_compliance
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_records'
down_revision = '0015_compliance'
branch_labels = None
depends_on = None

MESSAGE = 'audit_event is append-only: rows are never updated or deleted'


def upgrade():
    _audit_append_only()
    # Plain ALTER TABLE (a batch rebuild of a table others point at is not worth it).
    op.add_column('content_version', sa.Column('signature_required', sa.Boolean(),
                                               nullable=False, server_default=sa.false()))
    op.create_table('records_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('meaning', sa.Text(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_records_signature_user_id_user_account')),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_records_signature_course_id_content_course')),
    sa.ForeignKeyConstraint(['version_id'], ['content_version.id'], name=op.f('fk_records_signature_version_id_content_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_signature')),
    sa.UniqueConstraint('enrolment_id', 'version_id', 'cycle', name=op.f('uq_records_signature_enrolment_id_version_id_cycle'))
    )
    with op.batch_alter_table('records_signature') as batch:
        batch.create_index(batch.f('ix_records_signature_user_id'), ['user_id'], unique=False)
    op.create_table('records_external_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('provider', sa.String(length=300), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('evidence_name', sa.String(length=200), nullable=False),
    sa.Column('evidence_type', sa.String(length=40), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=False),
    sa.Column('evidence', sa.LargeBinary(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_records_external_training_user_id_user_account')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_records_external_training_centre_id_centre')),
    sa.ForeignKeyConstraint(['course_id'], ['content_course.id'], name=op.f('fk_records_external_training_course_id_content_course')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_records_external_training_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_external_training'))
    )
    with op.batch_alter_table('records_external_training') as batch:
        batch.create_index(batch.f('ix_records_external_training_user_id'), ['user_id'], unique=False)
        batch.create_index(batch.f('ix_records_external_training_centre_id'), ['centre_id'], unique=False)


def downgrade():
    with op.batch_alter_table('records_external_training') as batch:
        batch.drop_index(batch.f('ix_records_external_training_centre_id'))
        batch.drop_index(batch.f('ix_records_external_training_user_id'))
    op.drop_table('records_external_training')
    with op.batch_alter_table('records_signature') as batch:
        batch.drop_index(batch.f('ix_records_signature_user_id'))
    op.drop_table('records_signature')
    op.drop_column('content_version', 'signature_required')
    _drop_audit_append_only()


def _audit_append_only():
    """Row triggers, so the database itself refuses what the app never does. TRUNCATE and
    DROP (a restore, emptying a test database) are an operator's, not the app's."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """)
        return
    for verb in ('update', 'delete'):
        op.execute(f"""
            CREATE TRIGGER audit_event_no_{verb} BEFORE {verb.upper()} ON audit_event
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """)


def _drop_audit_append_only():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event')
        op.execute('DROP FUNCTION IF EXISTS audit_event_append_only()')
        return
    for verb in ('update', 'delete'):
        op.execute(f'DROP TRIGGER IF EXISTS audit_event_no_{verb}')
