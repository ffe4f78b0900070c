"""quizzes: attempts, per-question answers and picks

Revision ID: 0004_quizzes
Revises: 0003_enrolment
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_quizzes'
down_revision = '0003_enrolment'
branch_labels = None
depends_on = None

IN_PROGRESS = sa.text("status = 'in_progress'")


def upgrade():
    op.create_table('quizzes_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('choice_orders', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('score_percent', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['quiz_id'], ['content_quiz.id'], name=op.f('fk_quizzes_attempt_quiz_id_content_quiz')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_quizzes_attempt_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes_attempt')),
    sa.UniqueConstraint('user_id', 'quiz_id', 'number', name=op.f('uq_quizzes_attempt_user_id_quiz_id_number'))
    )
    with op.batch_alter_table('quizzes_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_attempt_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizzes_attempt_user_id'), ['user_id'], unique=False)
        # One attempt in progress per learner and quiz (a partial unique index).
        batch_op.create_index('ix_quizzes_attempt_one_in_progress', ['user_id', 'quiz_id'],
                              unique=True, sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS)

    op.create_table('quizzes_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quizzes_attempt.id'], name=op.f('fk_quizzes_answer_attempt_id_quizzes_attempt')),
    sa.ForeignKeyConstraint(['question_id'], ['content_question.id'], name=op.f('fk_quizzes_answer_question_id_content_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes_answer')),
    sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_quizzes_answer_attempt_id_question_id'))
    )
    with op.batch_alter_table('quizzes_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_answer_question_id'), ['question_id'], unique=False)

    op.create_table('quizzes_pick',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quizzes_attempt.id'], name=op.f('fk_quizzes_pick_attempt_id_quizzes_attempt')),
    sa.ForeignKeyConstraint(['question_id'], ['content_question.id'], name=op.f('fk_quizzes_pick_question_id_content_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quizzes_pick')),
    sa.UniqueConstraint('attempt_id', 'question_id', 'choice', name=op.f('uq_quizzes_pick_attempt_id_question_id_choice'))
    )
    with op.batch_alter_table('quizzes_pick', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_pick_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quizzes_pick', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_pick_question_id'))
    op.drop_table('quizzes_pick')
    with op.batch_alter_table('quizzes_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_answer_question_id'))
    op.drop_table('quizzes_answer')
    with op.batch_alter_table('quizzes_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_quizzes_attempt_one_in_progress')
        batch_op.drop_index(batch_op.f('ix_quizzes_attempt_user_id'))
        batch_op.drop_index(batch_op.f('ix_quizzes_attempt_quiz_id'))
    op.drop_table('quizzes_attempt')
