"""Where learners stand in quizzes, for other parts: a panel's status, completion blockers,
the person's own attempts in their data download."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, exists, func, select

from lms import events
from lms.content.models import Course, CourseVersion, Quiz
from lms.extensions import db
from lms.plugins.quizzes.models import Attempt, AttemptGrant
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


def _status_select(quiz_ids: tuple[int, ...]):
    columns = []
    for quiz_id in quiz_ids:
        mine = Attempt.quiz_id == quiz_id
        columns.append(func.count(case((mine, Attempt.id))).label(f"quizzes_attempts_{quiz_id}"))
        columns.append(
            func.max(case((mine & Attempt.passed.is_(True), 1), else_=0)).label(
                f"quizzes_passed_{quiz_id}"
            )
        )
    return select(*columns).where(
        Attempt.user_id == bindparam("quizzes_user_id"), Attempt.quiz_id.in_(quiz_ids)
    )


def status_row(user_id: int, quiz_ids: list[int]) -> events.PagePart:
    """One row whatever the learner did: per quiz the attempts made
    (``quizzes_attempts_<id>``) and whether one passed (``quizzes_passed_<id>``), for
    the module page's one statement (``module_page_query``). The quiz ids are part of the
    statement's shape (a published module's quizzes never change), the person a parameter."""
    shape = tuple(quiz_ids)
    return events.PagePart(
        ("quizzes.status", shape), lambda: _status_select(shape), {"quizzes_user_id": user_id}
    )


def status_from_facts(facts, quiz_ids: list[int]) -> dict[int, LearnerStatus] | None:
    """:func:`learner_status` from the page's facts (see :func:`status_row`); None when
    they are not there."""
    if not quiz_ids or any(f"quizzes_attempts_{quiz_id}" not in facts for quiz_id in quiz_ids):
        return None
    return {
        quiz_id: LearnerStatus(facts[f"quizzes_attempts_{quiz_id}"], bool(passed))
        for quiz_id in quiz_ids
        if (passed := facts[f"quizzes_passed_{quiz_id}"]) is not None
        and facts[f"quizzes_attempts_{quiz_id}"]
    }


def completion_blockers(sender, payload: events.CompletionQuery) -> list[str]:
    """Receiver: each course quiz (not tied to a module) of the version not yet passed
    (since ``payload.since``, when the learner takes the course again)."""
    conditions = [
        Attempt.quiz_id == Quiz.id,
        Attempt.user_id == payload.user_id,
        Attempt.passed.is_(True),
    ]
    if payload.since is not None:
        conditions.append(Attempt.submitted_at >= payload.since)
    passed = exists().where(*conditions)
    quizzes = db.session.scalars(
        select(Quiz)
        .where(Quiz.version_id == payload.version_id, Quiz.module_id.is_(None), ~passed)
        .order_by(Quiz.number)
    )
    lang = locale()
    return [_("Final quiz not passed: %(title)s", title=quiz.title_in(lang)) for quiz in quizzes]


def quiz_activity(sender, payload: events.CompletionQuery, **_extra) -> events.QuizActivity:
    """Receiver of ``quiz_activity``: the quizzes of ``payload.version_id`` the learner
    attempted and passed (attempts started since ``payload.since`` when set), one query."""
    query = (
        select(Attempt.quiz_id, func.max(case((Attempt.passed.is_(True), 1), else_=0)))
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == payload.user_id, Quiz.version_id == payload.version_id)
        .group_by(Attempt.quiz_id)
    )
    if payload.since is not None:
        query = query.where(Attempt.started_at >= payload.since)
    rows = db.session.execute(query).all()
    return events.QuizActivity(
        attempted=frozenset(quiz_id for quiz_id, _passed in rows),
        passed=frozenset(quiz_id for quiz_id, passed in rows if passed),
    )


def on_personal_data(sender, payload: events.PersonalDataRequest) -> tuple[str, dict]:
    """Receiver: the person's quiz attempts (their own answers as choice numbers, never the
    key) and the extra attempts granted them, for their data download (GDPR art. 15)."""
    where = (
        select(Quiz.id, Quiz.slug, CourseVersion.version, Course.slug.label("course"))
        .join(CourseVersion, CourseVersion.id == Quiz.version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .subquery()
    )

    def place(quiz_id: int) -> dict:
        row = places[quiz_id]
        return {"course": row.course, "version": row.version, "quiz": row.slug}

    attempts = list(
        db.session.scalars(
            select(Attempt).where(Attempt.user_id == payload.user_id).order_by(Attempt.id)
        )
    )
    grants = list(
        db.session.scalars(
            select(AttemptGrant)
            .where(AttemptGrant.user_id == payload.user_id)
            .order_by(AttemptGrant.id)
        )
    )
    ids = {a.quiz_id for a in attempts} | {g.quiz_id for g in grants}
    places = {row.id: row for row in db.session.execute(select(where).where(where.c.id.in_(ids)))}
    return "quizzes", {
        "attempts": [
            {
                **place(a.quiz_id),
                "number": a.number,
                "status": a.status,
                "started_at": a.started_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "score_percent": a.score_percent,
                "passed": a.passed,
                "answers": a.answers,
            }
            for a in attempts
        ],
        "extra_attempts": [
            {
                **place(g.quiz_id),
                "granted_at": g.granted_at.isoformat(),
                "extra": g.extra,
                "reason": g.reason,
            }
            for g in grants
        ],
    }
