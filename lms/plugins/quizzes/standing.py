"""Where learners stand in quizzes, for other pages: a panel's status, completion blockers."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, exists, func, select

from lms import events
from lms.content.models import Quiz
from lms.extensions import db
from lms.plugins.quizzes.models import Attempt
from lms.plugins.quizzes.services import locale


@dataclass(frozen=True)
class LearnerStatus:
    attempts: int
    passed: bool


def learner_status(user_id: int | None, quiz_ids: list[int]) -> dict[int, LearnerStatus]:
    """Per quiz: how many attempts the learner made and whether one passed (one query)."""
    if user_id is None or not quiz_ids:
        return {}
    rows = db.session.execute(
        select(
            Attempt.quiz_id,
            func.count(Attempt.id),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)),
        )
        .where(Attempt.user_id == user_id, Attempt.quiz_id.in_(quiz_ids))
        .group_by(Attempt.quiz_id)
    )
    return {quiz_id: LearnerStatus(count, bool(passed)) for quiz_id, count, passed in rows}


def completion_blockers(sender, payload: events.CompletionQuery) -> list[str]:
    """Receiver: each course quiz (not tied to a module) of the version not yet passed."""
    passed = exists().where(
        Attempt.quiz_id == Quiz.id,
        Attempt.user_id == payload.user_id,
        Attempt.passed.is_(True),
    )
    quizzes = db.session.scalars(
        select(Quiz)
        .where(Quiz.version_id == payload.version_id, Quiz.module_id.is_(None), ~passed)
        .order_by(Quiz.number)
    )
    lang = locale()
    return [_("Final quiz not passed: %(title)s", title=quiz.title_in(lang)) for quiz in quizzes]
