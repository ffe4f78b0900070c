"""Attempts: find the quiz, start (idempotently), submit (atomically), and answer signals.

Every write is guarded by the database, not by the read before it: a unique attempt number
per learner and quiz, one in-progress attempt per learner and quiz (partial unique index),
and a conditional UPDATE to finish. So retries, double clicks and two workers racing all
end with exactly one result, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import case, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from lms import events
from lms.content.models import Course, CourseVersion, Question, Quiz
from lms.extensions import db, holds_write_lock
from lms.models import utcnow
from lms.plugins.quizzes.grading import Grade, draw, grade
from lms.plugins.quizzes.models import IN_PROGRESS, SUBMITTED, Answer, Attempt, Pick


class NoAttemptsLeft(Exception):
    """The learner has used every attempt the quiz allows."""


class AlreadySubmitted(Exception):
    """The attempt was finished or changed by another request: nothing was changed."""


def locale() -> str:
    if has_request_context():
        return str(get_locale())
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def find_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def served_quiz(course: Course, quiz_slug: str, *, preview: bool = False) -> Quiz | None:
    """The quiz from the published version; a draft only for those who may preview."""
    version_id = course.published_version_id or (course.latest_version_id if preview else None)
    if version_id is None:
        return None
    return db.session.scalar(
        select(Quiz)
        .where(Quiz.version_id == version_id, Quiz.slug == quiz_slug)
        .options(contains_eager(Quiz.version).joinedload(CourseVersion.course))
        .join(Quiz.version)
    )


def in_progress_attempt(user_id: int, course_id: int, quiz_slug: str) -> Attempt | None:
    """The learner's unfinished attempt at this quiz, in whichever version it was started:
    a new published version never pulls the questions from under a learner."""
    return db.session.scalar(
        select(Attempt)
        .join(Attempt.quiz)
        .join(Quiz.version)
        .where(
            Attempt.user_id == user_id,
            Attempt.status == IN_PROGRESS,
            Quiz.slug == quiz_slug,
            CourseVersion.course_id == course_id,
        )
        .options(contains_eager(Attempt.quiz))
    )


def enrolment_allows(user_id: int, quiz: Quiz) -> bool:
    """Ask the enrolment plugin (enrolling when the course is open). No receiver: allowed."""
    request = events.EnrolmentRequest(
        user_id=user_id,
        course_id=quiz.version.course_id,
        version_id=quiz.version_id,
        enrol_if_open=True,
    )
    ids = events.emit(events.ensure_enrolment, request)
    return not ids or any(value is not None for value in ids)


def attempts_used(user_id: int, quiz_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(Attempt.number), 0)).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz_id
        )
    )


def attempts_left(quiz: Quiz, used: int) -> int | None:
    """None: unlimited."""
    return None if quiz.max_attempts is None else max(0, quiz.max_attempts - used)


def latest_attempt(user_id: int, quiz_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
        .order_by(Attempt.number.desc())
        .limit(1)
    )


def passed_attempt(user_id: int, quiz_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.passed.is_(True))
        .order_by(Attempt.number.desc())
        .limit(1)
    )


def _in_progress(user_id: int, quiz_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user_id,
            Attempt.quiz_id == quiz_id,
            Attempt.status == IN_PROGRESS,
        )
    )


def start_attempt(user_id: int, quiz: Quiz, rng=None) -> Attempt:
    """The learner's in-progress attempt, created (with its draw) when there is none.

    The next number is checked against ``max_attempts`` and inserted; when a concurrent
    request inserted first, the unique constraints refuse ours and we re-read: resume the
    attempt it created, or refuse when it took the last number.
    """
    quiz_id, max_attempts = quiz.id, quiz.max_attempts
    for _round in range(5):
        current = _in_progress(user_id, quiz_id)
        if current is not None:
            return current
        number = attempts_used(user_id, quiz_id) + 1
        if max_attempts is not None and number > max_attempts:
            # Under READ COMMITTED the count may include an attempt a concurrent request
            # committed after our first look: resume that one rather than refuse.
            current = _in_progress(user_id, quiz_id)
            if current is not None:
                return current
            raise NoAttemptsLeft
        bank = db.session.get(Quiz, quiz_id)
        drawn = draw(
            bank.questions, per_attempt=bank.questions_per_attempt, shuffle=bank.shuffle, rng=rng
        )
        if not holds_write_lock():
            # End the read transaction first: on SQLite a deferred transaction that read and
            # then writes fails at once when another writer committed meanwhile, while a
            # fresh one waits for the lock. The reads may be stale by then; the unique
            # constraints decide. (The quiz page begins IMMEDIATE and skips this.)
            db.session.rollback()
        attempt = Attempt(
            user_id=user_id,
            quiz_id=quiz_id,
            number=number,
            status=IN_PROGRESS,
            question_ids=drawn.question_ids,
            choice_orders=drawn.choice_orders,
            answers={},
            started_at=utcnow(),
            lock_version=1,
        )
        db.session.add(attempt)
        try:
            _commit_keeping_loaded()
        except IntegrityError:
            db.session.rollback()  # someone else took this number: look again
            continue
        return attempt
    raise RuntimeError("could not start an attempt after several conflicts")


def _commit_keeping_loaded() -> None:
    """Commit without expiring what is loaded: the page that started the attempt renders
    it, its quiz and its learner next, and need not read them all again."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def drawn_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in its display order (one query)."""
    rows = db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    by_id = {q.id: q for q in rows}
    return [by_id[qid] for qid in attempt.question_ids]


def submit(attempt: Attempt, lock_version: int, answers: dict, questions: list) -> Grade:
    """Grade and finish the attempt in one conditional UPDATE, then emit ``quiz_passed``.

    The answers are stored by the same UPDATE that finishes the attempt, so an acknowledged
    answer is never lost. When the UPDATE changes no row (finished already, or an older form
    replayed), :class:`AlreadySubmitted` is raised and nothing has changed.
    """
    quiz = attempt.quiz
    version = quiz.version
    # Read before the commit expires them: the signal needs no reload afterwards.
    passed_payload = dict(
        user_id=attempt.user_id,
        course_id=version.course_id,
        version_id=version.id,
        quiz_id=quiz.id,
        module_id=quiz.module_id,
        attempt_id=attempt.id,
    )
    result = grade(questions, answers, partial_credit=quiz.partial_credit, pass_mark=quiz.pass_mark)
    now = utcnow()
    finished = db.session.execute(
        update(Attempt)
        .where(
            Attempt.id == attempt.id,
            Attempt.status == IN_PROGRESS,
            Attempt.lock_version == lock_version,
        )
        .values(
            status=SUBMITTED,
            answers=answers,
            score_percent=result.score_percent,
            passed=result.passed,
            submitted_at=now,
            lock_version=Attempt.lock_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if finished.rowcount != 1:
        db.session.rollback()
        raise AlreadySubmitted
    answer_rows = [
        {
            "attempt_id": attempt.id,
            "question_id": q.id,
            "score": result.per_question[q.id][0],
            "correct": result.per_question[q.id][1],
        }
        for q in questions
    ]
    pick_rows = [
        {"attempt_id": attempt.id, "question_id": q.id, "choice": choice}
        for q in questions
        for choice in answers.get(str(q.id), [])
    ]
    db.session.execute(insert(Answer), answer_rows)  # executemany: one statement each
    if pick_rows:
        db.session.execute(insert(Pick), pick_rows)
    try:
        db.session.commit()
    except IntegrityError as exc:  # cannot happen after rowcount 1, but never a 500
        db.session.rollback()
        raise AlreadySubmitted from exc
    if result.passed:
        events.emit(
            events.quiz_passed,
            events.QuizPassed(**passed_payload, score_percent=result.score_percent, at=now),
        )
    return result


def load_result(attempt_id: int, user_id: int) -> Attempt | None:
    """The learner's own attempt with its quiz, version and course, or None (-> 404)."""
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user_id)
        .options(
            selectinload(Attempt.quiz).joinedload(Quiz.version).joinedload(CourseVersion.course),
            selectinload(Attempt.quiz).joinedload(Quiz.module),
        )
    )


def answer_scores(attempt_id: int) -> dict[int, tuple[float, bool]]:
    rows = db.session.execute(
        select(Answer.question_id, Answer.score, Answer.correct).where(
            Answer.attempt_id == attempt_id
        )
    )
    return {qid: (score, correct) for qid, score, correct in rows}


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
