"""core: a person may hold several roles (user_role); user_account.role goes

Every non-learner role in user_account.role becomes a row of user_role (everyone is a
learner: no row for that). The downgrade puts back the one column with the highest role
each person holds (site_admin > centre_admin > educator > learner).

Revision ID: 0019_user_roles
Revises: 0018_job_titles
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_user_roles'
down_revision = '0018_job_titles'
branch_labels = None
depends_on = None

_RANKED = ('site_admin', 'centre_admin', 'educator')  # highest first


def upgrade():
    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('learner', 'educator', 'centre_admin', 'site_admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'role')
    )
    op.execute(
        "INSERT INTO user_role (user_id, role, granted_at) "
        "SELECT id, role, created_at FROM user_account WHERE role <> 'learner'"
    )
    # Plain ALTER TABLE, not batch mode: on SQLite a batch rebuild of user_account would
    # drop the expression index uq_user_account_email_lower (SQLite >= 3.35 drops columns).
    op.drop_column('user_account', 'role')


def downgrade():
    op.add_column('user_account', sa.Column('role', sa.Enum('learner', 'educator', 'centre_admin', 'site_admin', name='role', native_enum=False, length=20), nullable=False, server_default='learner'))
    for role in reversed(_RANKED):  # the highest role written last wins
        op.execute(
            sa.text(
                "UPDATE user_account SET role = :role WHERE id IN "
                "(SELECT user_id FROM user_role WHERE role = :role)"
            ).bindparams(role=role)
        )
    if op.get_bind().dialect.name != 'sqlite':  # as 0001 made it: no server default
        op.alter_column('user_account', 'role', server_default=None)
    op.drop_table('user_role')
