"""certificates: Open Badges credentials, each with its bit on a revocation status list

Revision ID: 0011_open_badges
Revises: 0009_quiz_feedback_attempts
Create Date: 2026-11-30 10:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_open_badges'
down_revision = '0009_quiz_feedback_attempts'
branch_labels = None
depends_on = None

# As in lms/plugins/certificates/status_list.py when this was written: a list has 131,072
# bits and takes new ones until half full.
LIST_SIZE = 131_072
FILL = LIST_SIZE // 2


def upgrade():
    op.create_table('certificates_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('status_list', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('allocated_at', sa.DateTime(), nullable=False),
    sa.Column('document', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates_certificate.id'], name=op.f('fk_certificates_credential_certificate_id_certificates_certificate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates_credential')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_certificates_credential_certificate_id')),
    sa.UniqueConstraint('status_list', 'status_index', name=op.f('uq_certificates_credential_status_list_status_index'))
    )
    _allocate_existing()


def _allocate_existing():
    """Every certificate issued before this gets its random bit now; its credential is
    built on request (signing needs the app's key and LMS_BASE_URL, not a migration's)."""
    bind = op.get_bind()
    meta = sa.MetaData()
    certificate = sa.Table('certificates_certificate', meta, autoload_with=bind, resolve_fks=False)
    credential = sa.Table('certificates_credential', meta, autoload_with=bind, resolve_fks=False)
    rows = bind.execute(
        sa.select(certificate.c.id, certificate.c.issued_at).order_by(certificate.c.id)
    ).all()
    random = secrets.SystemRandom()
    for start in range(0, len(rows), FILL):
        chunk = rows[start:start + FILL]
        indexes = random.sample(range(LIST_SIZE), len(chunk))
        bind.execute(credential.insert(), [
            {'certificate_id': cid, 'status_list': start // FILL + 1, 'status_index': index,
             'allocated_at': issued_at}
            for (cid, issued_at), index in zip(chunk, indexes)
        ])


def downgrade():
    op.drop_table('certificates_credential')
