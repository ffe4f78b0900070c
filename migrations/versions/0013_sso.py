"""sso: linked identities, the per-centre SSO-only policy, accepted SAML assertions

Revision ID: 0013_sso
Revises: 0012_authoring
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_sso'
down_revision = '0012_authoring'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sso_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sso_identity_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identity')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_sso_identity_provider_subject'))
    )
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_identity_user_id'), ['user_id'], unique=False)

    op.create_table('sso_centre_policy',
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('sso_only', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_sso_centre_policy_centre_id_centre')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_sso_centre_policy_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('centre_id', name=op.f('pk_sso_centre_policy'))
    )

    op.create_table('sso_saml_assertion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('assertion_id', sa.String(length=255), nullable=False),
    sa.Column('ticket', sa.String(length=64), nullable=False),
    sa.Column('in_response_to', sa.String(length=255), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_saml_assertion')),
    sa.UniqueConstraint('provider', 'assertion_id', name=op.f('uq_sso_saml_assertion_provider_assertion_id')),
    sa.UniqueConstraint('ticket', name=op.f('uq_sso_saml_assertion_ticket'))
    )
    with op.batch_alter_table('sso_saml_assertion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_saml_assertion_received_at'), ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sso_saml_assertion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_saml_assertion_received_at'))
    op.drop_table('sso_saml_assertion')
    op.drop_table('sso_centre_policy')
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_identity_user_id'))
    op.drop_table('sso_identity')
