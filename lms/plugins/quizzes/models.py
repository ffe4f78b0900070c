"""Quiz attempts: training records, so never overwritten or deleted once submitted.

The database, not the code, keeps them consistent under retries and concurrent requests:

* ``(user_id, quiz_id, number)`` is unique, so two concurrent starts cannot both take the
  last allowed attempt number;
* a partial unique index allows one ``in_progress`` attempt per learner and quiz;
* finishing is one conditional UPDATE on ``status`` and ``lock_version``.

Per-question results are also stored as rows (``quizzes_answer``, ``quizzes_pick``) when an
attempt is finished, in the same transaction. The attempt's JSON answers are the record;
the rows exist so the educators' statistics are plain SQL aggregations (``GROUP BY``)
instead of loading every attempt into Python.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import Question, Quiz
from lms.extensions import db
from lms.models import utcnow

IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"


class Attempt(db.Model):
    __tablename__ = "quizzes_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index(
            "ix_quizzes_attempt_one_in_progress",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("content_quiz.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    # The drawn questions in display order, and per question the display order of the
    # original choice indices: {"<question id>": [2, 0, 1]}. Fixed for the attempt.
    question_ids: Mapped[list] = mapped_column(JSON)
    choice_orders: Mapped[dict] = mapped_column(JSON)
    # {"<question id>": [original choice index, ...]}, written by the finishing UPDATE.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    score_percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    lock_version: Mapped[int] = mapped_column(default=1)

    quiz: Mapped[Quiz] = relationship()

    @property
    def in_progress(self) -> bool:
        return self.status == IN_PROGRESS


class Answer(db.Model):
    """One drawn question of a finished attempt: its score (0..1) and whether fully right."""

    __tablename__ = "quizzes_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quizzes_attempt.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("content_question.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    correct: Mapped[bool]

    question: Mapped[Question] = relationship()


class Pick(db.Model):
    """One choice a learner ticked in a finished attempt (original choice index)."""

    __tablename__ = "quizzes_pick"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", "choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quizzes_attempt.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("content_question.id"), index=True)
    choice: Mapped[int]


class AttemptGrant(db.Model):
    """More attempts at one quiz for one learner: granted by an owner of the course, an
    admin of the learner's centre or a site admin, with the reason (also in the audit
    trail). A record like the attempts: never changed or deleted. The learner may make
    ``max_attempts`` plus the sum of their grants."""

    __tablename__ = "quizzes_attempt_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("content_quiz.id"), index=True)
    extra: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
