"""quizzes: when answers are shown, tips, extra attempts; names as one line of NFC text

Revision ID: 0009_quiz_feedback_attempts
Revises: 0008_membership_outbox
Create Date: 2026-11-30 12:00:00

- ``content_quiz.show_answers``: stored quizzes get the new default, ``after_pass`` (the
  right answers once the learner passed or has no attempt left; before, every attempt
  showed them);
- ``content_question.tip_html``: explanations marked ``[!TIP]`` (none before);
- ``quizzes_attempt_grant``: extra attempts granted to one learner, with the reason;
- ``user_account.name``: names stored before text was normalised become what the app now
  stores (NFC, control characters and line breaks as one space, see ``lms.text``), so a
  search finds them and no export stumbles on them. Not reversed by the downgrade: the
  names mean the same.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_quiz_feedback_attempts'
down_revision = '0008_membership_outbox'
branch_labels = None
depends_on = None

_SPACES = re.compile(r'\s+')
_JOINERS = {'\u200c', '\u200d'}


def _one_line(value):
    """lms.text.one_line as of this revision (a migration must not import the app)."""
    out = []
    for char in unicodedata.normalize('NFC', value):
        category = unicodedata.category(char)
        if char in _JOINERS:
            out.append(char)
        elif category == 'Cc' or char in '\u2028\u2029\x85':
            out.append(' ')
        elif category in ('Cf', 'Cs') or 0xFDD0 <= ord(char) <= 0xFDEF or (ord(char) & 0xFFFE) == 0xFFFE:
            continue
        else:
            out.append(char)
    return _SPACES.sub(' ', ''.join(out)).strip()


def upgrade():
    # Plain ADD COLUMN: no batch copy of the tables (see 0006 on SQLite's expression index).
    op.add_column('content_quiz', sa.Column(
        'show_answers', sa.String(length=20), server_default='after_pass', nullable=False))
    op.add_column('content_question', sa.Column(
        'tip_html', sa.Text(), server_default='', nullable=False))
    op.create_table('quizzes_attempt_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('extra', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_quizzes_attempt_grant_granted_by_id_user_account')),
    sa.ForeignKeyConstraint(['quiz_id'], ['content_quiz.id'], name=op.f('fk_quizzes_attempt_grant_quiz_id_content_quiz')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_quizzes_attempt_grant_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes_attempt_grant'))
    )
    with op.batch_alter_table('quizzes_attempt_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_attempt_grant_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizzes_attempt_grant_user_id'), ['user_id'], unique=False)

    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('name', sa.String))
    bind = op.get_bind()
    for user_id, name in bind.execute(sa.select(users.c.id, users.c.name)).all():
        cleaned = _one_line(name or '')
        if cleaned != name:
            bind.execute(users.update().where(users.c.id == user_id).values(name=cleaned))


def downgrade():
    with op.batch_alter_table('quizzes_attempt_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_attempt_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_quizzes_attempt_grant_quiz_id'))
    op.drop_table('quizzes_attempt_grant')
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of content_quiz would drop the table
    # that content_question's rows point at, which the foreign keys refuse.
    op.drop_column('content_question', 'tip_html')
    op.drop_column('content_quiz', 'show_answers')
