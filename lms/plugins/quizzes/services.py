"""Attempts: find the quiz, start (idempotently), submit (atomically), and answer signals.

Every write is guarded by the database, not by the read before it: a unique attempt number
per learner and quiz, one in-progress attempt per learner and quiz (partial unique index),
and a conditional UPDATE to finish. So retries, double clicks and two workers racing all
end with exactly one result, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from flask import current_app, has_request_context
from flask_babel import get_locale
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from lms import events
from lms.content.models import Course, CourseVersion, Question, Quiz
from lms.extensions import db, holds_write_lock
from lms.models import utcnow
from lms.plugins.quizzes.grading import Grade, draw, grade
from lms.plugins.quizzes.models import (
    IN_PROGRESS,
    SUBMITTED,
    Answer,
    Attempt,
    AttemptGrant,
    Pick,
)


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


def served_quiz(
    course: Course, quiz_slug: str, *, preview: bool = False, draft: bool = False
) -> Quiz | None:
    """The quiz from the published version. For those who may ``preview``: the latest
    version when nothing is published, or when they ask for the ``draft``."""
    version_id = course.published_version_id
    if preview and (draft or version_id is None):
        version_id = course.latest_version_id
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


def enrolment_allows(user_id: int, quiz: Quiz, *, enrol: bool) -> bool:
    """Whether the learner is enrolled (no enrolment plugin: yes). With ``enrol`` (a POST
    only) the enrolment plugin enrols them when the course is open; without, nothing is
    written."""
    request = events.EnrolmentRequest(
        user_id=user_id,
        course_id=quiz.version.course_id,
        version_id=quiz.version_id,
        enrol_if_open=enrol,
    )
    ids = events.emit(events.ensure_enrolment, request)
    return not ids or any(value is not None for value in ids)


def attempts_granted(user_id: int, quiz_id: int) -> int:
    """The extra attempts owners and admins granted this learner at this quiz."""
    return db.session.scalar(
        select(func.coalesce(func.sum(AttemptGrant.extra), 0)).where(
            AttemptGrant.user_id == user_id, AttemptGrant.quiz_id == quiz_id
        )
    )


def allowed_attempts(quiz: Quiz, user_id: int) -> int | None:
    """``max_attempts`` plus the learner's grants; None: unlimited."""
    if quiz.max_attempts is None:
        return None
    return quiz.max_attempts + attempts_granted(user_id, quiz.id)


def attempts_used(user_id: int, quiz_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(Attempt.number), 0)).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz_id
        )
    )


def attempts_left(quiz: Quiz, user_id: int, used: int | None = None) -> int | None:
    """Attempts the learner may still start (grants counted); None: unlimited."""
    allowed = allowed_attempts(quiz, user_id)
    if allowed is None:
        return None
    return max(0, allowed - (attempts_used(user_id, quiz.id) if used is None else used))


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

    The next number is checked against the attempts allowed (``max_attempts`` plus the
    learner's grants) and inserted; when a concurrent
    request inserted first, the unique constraints refuse ours and we re-read: resume the
    attempt it created, or refuse when it took the last number.
    """
    quiz_id, max_attempts = quiz.id, allowed_attempts(quiz, user_id)
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
            # constraints decide. (The start button's POST begins IMMEDIATE and skips this.)
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
