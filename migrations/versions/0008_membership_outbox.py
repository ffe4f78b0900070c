"""core: centre membership (requests, history, e-mail domains), proven e-mail, the mail outbox

Every person's current centre becomes a confirmed membership (source "migration"), so the
history starts from what was there.

Also enrolment cycles: a learner whose certificate was revoked takes the course again within
the same enrolment, so progress and completions belong to a cycle (all existing rows: 1).

Revision ID: 0008_membership_outbox
Revises: 0007_reports_status
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_membership_outbox'
down_revision = '0007_reports_status'
branch_labels = None
depends_on = None


# Batch copies (SQLite) reflect only the table itself: following its foreign keys would
# reflect user_account too, whose expression index SQLite cannot reflect.
NO_FKS = {"resolve_fks": False}
REQUESTED = sa.text("status = 'requested'")
CONFIRMED = sa.text("status = 'confirmed'")


def upgrade():
    # Plain ADD COLUMN (no batch copy): a batch copy on SQLite would lose the expression
    # index on lower(email), which SQLite cannot reflect.
    op.add_column('user_account', sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    op.create_table('centre_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'confirmed', 'declined', 'cancelled', 'ended', name='membershipstatus', native_enum=False, length=20), nullable=False),
    sa.Column('source', sa.Enum('registration', 'request', 'admin', 'import', 'identity_provider', 'migration', name='membershipsource', native_enum=False, length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_via', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('moved_to_id', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_centre_membership_centre_id_centre')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_centre_membership_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['user_account.id'], name=op.f('fk_centre_membership_ended_by_id_user_account')),
    sa.ForeignKeyConstraint(['moved_to_id'], ['centre.id'], name=op.f('fk_centre_membership_moved_to_id_centre')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_centre_membership_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_centre_membership_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_membership'))
    )
    with op.batch_alter_table('centre_membership', schema=None) as batch_op:
        batch_op.create_index('ix_centre_membership_centre', ['centre_id', 'status'], unique=False)
        batch_op.create_index('ix_centre_membership_one_current', ['user_id'], unique=True,
                              sqlite_where=CONFIRMED, postgresql_where=CONFIRMED)
        batch_op.create_index('ix_centre_membership_one_request', ['user_id'], unique=True,
                              sqlite_where=REQUESTED, postgresql_where=REQUESTED)
        batch_op.create_index(batch_op.f('ix_centre_membership_user_id'), ['user_id'], unique=False)
    op.create_table('centre_email_domain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_centre_email_domain_centre_id_centre')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_centre_email_domain_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_email_domain')),
    sa.UniqueConstraint('domain', name=op.f('uq_centre_email_domain_domain'))
    )
    with op.batch_alter_table('centre_email_domain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_email_domain_centre_id'), ['centre_id'], unique=False)
    # Everyone's current centre is a confirmed membership from when the account was made.
    op.execute(
        "INSERT INTO centre_membership (user_id, centre_id, status, source, requested_at, "
        "decided_at, decided_via) SELECT id, centre_id, 'confirmed', 'migration', created_at, "
        "created_at, 'migration' FROM user_account WHERE centre_id IS NOT NULL"
    )
    _enrolment_cycles_up()
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_mail_outbox_key'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_due', ['status', 'next_attempt_at'], unique=False)


def _enrolment_cycles_up():
    one = sa.text('1')
    op.add_column('enrolment_enrolment',
                  sa.Column('cycle', sa.Integer(), server_default=one, nullable=False))
    with op.batch_alter_table('enrolment_progress', schema=None, reflect_kwargs=NO_FKS) as batch_op:
        batch_op.add_column(sa.Column('cycle', sa.Integer(), server_default=one, nullable=False))
        batch_op.drop_constraint('uq_enrolment_progress_enrolment_id_module_id', type_='unique')
        batch_op.drop_constraint('uq_enrolment_progress_enrolment_id_quiz_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_enrolment_progress_enrolment_id_cycle_module_id'),
            ['enrolment_id', 'cycle', 'module_id'])
        batch_op.create_unique_constraint(
            batch_op.f('uq_enrolment_progress_enrolment_id_cycle_quiz_id'),
            ['enrolment_id', 'cycle', 'quiz_id'])
    with op.batch_alter_table('enrolment_completion', schema=None, reflect_kwargs=NO_FKS) as batch_op:
        batch_op.add_column(sa.Column('cycle', sa.Integer(), server_default=one, nullable=False))
        batch_op.drop_constraint('uq_enrolment_completion_enrolment_id_version_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_enrolment_completion_enrolment_id_version_id_cycle'),
            ['enrolment_id', 'version_id', 'cycle'])
    op.create_table('enrolment_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('ends_completion_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ends_completion_id'], ['enrolment_completion.id'], name=op.f('fk_enrolment_cycle_ends_completion_id_enrolment_completion')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment_enrolment.id'], name=op.f('fk_enrolment_cycle_enrolment_id_enrolment_enrolment')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_enrolment_cycle_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_cycle')),
    sa.UniqueConstraint('enrolment_id', 'number', name=op.f('uq_enrolment_cycle_enrolment_id_number'))
    )
    with op.batch_alter_table('enrolment_cycle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_cycle_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_cycle_user_id'), ['user_id'], unique=False)


def _enrolment_cycles_down():
    # Rows of later cycles cannot fit the one-per-enrolment constraints: refuse rather than
    # delete training records.
    later = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM enrolment_enrolment WHERE cycle > 1")).scalar()
    if later:
        raise RuntimeError(
            f"{later} enrolments are in a later cycle (a course taken again): downgrading "
            "would have to drop training records"
        )
    with op.batch_alter_table('enrolment_cycle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_cycle_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_cycle_enrolment_id'))
    op.drop_table('enrolment_cycle')
    with op.batch_alter_table('enrolment_completion', schema=None, reflect_kwargs=NO_FKS) as batch_op:
        batch_op.drop_constraint('uq_enrolment_completion_enrolment_id_version_id_cycle', type_='unique')
        batch_op.create_unique_constraint(
            'uq_enrolment_completion_enrolment_id_version_id', ['enrolment_id', 'version_id'])
        batch_op.drop_column('cycle')
    with op.batch_alter_table('enrolment_progress', schema=None, reflect_kwargs=NO_FKS) as batch_op:
        batch_op.drop_constraint('uq_enrolment_progress_enrolment_id_cycle_quiz_id', type_='unique')
        batch_op.drop_constraint('uq_enrolment_progress_enrolment_id_cycle_module_id', type_='unique')
        batch_op.create_unique_constraint(
            'uq_enrolment_progress_enrolment_id_quiz_id', ['enrolment_id', 'quiz_id'])
        batch_op.create_unique_constraint(
            'uq_enrolment_progress_enrolment_id_module_id', ['enrolment_id', 'module_id'])
        batch_op.drop_column('cycle')
    op.execute('ALTER TABLE enrolment_enrolment DROP COLUMN cycle')  # no copy: others refer to it


def downgrade():
    _enrolment_cycles_down()
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_due')
    op.drop_table('mail_outbox')
    with op.batch_alter_table('centre_email_domain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_email_domain_centre_id'))
    op.drop_table('centre_email_domain')
    with op.batch_alter_table('centre_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_membership_user_id'))
        batch_op.drop_index('ix_centre_membership_one_request')
        batch_op.drop_index('ix_centre_membership_one_current')
        batch_op.drop_index('ix_centre_membership_centre')
    op.drop_table('centre_membership')
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy would reflect, and lose, the
    # expression index on lower(email).
    op.execute('ALTER TABLE user_account DROP COLUMN email_verified_at')
