"""Enrolling, progress and completion: every write of the learner side goes through here.

Each write commits once. A retried or concurrent request that hits a unique constraint is
rolled back and reported as "already done", never as an error. Signals go out only after
the commit that made them true, and only from the request whose insert succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms import audit, events
from lms.content.models import Course, CourseVersion, Module, Quiz
from lms.extensions import db
from lms.models import utcnow
from lms.plugins.enrolment import keys
from lms.plugins.enrolment.models import (
    ACTIVE,
    WITHDRAWN,
    Completion,
    Cycle,
    Enrolment,
    Progress,
)


class EnrolmentRefused(Exception):
    """Why a learner may not enrol; ``str(exc)`` is the translated message."""


# Look-ups -------------------------------------------------------------------------------


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course).where(Course.slug == slug).options(joinedload(Course.published_version))
    )


def enrolment_for(user_id: int, course_id: int, *, lock: bool = False) -> Enrolment | None:
    query = select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    if lock:  # and re-read: a concurrent request may have changed the row we hold
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def active_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    enrolment = enrolment_for(user_id, course_id)
    return enrolment if enrolment is not None and enrolment.is_active else None


def modules_of(version_id: int) -> list[Module]:
    return list(
        db.session.scalars(
            select(Module).where(Module.version_id == version_id).order_by(Module.number)
        )
    )


def quiz_module_ids(version_id: int) -> dict[int, Quiz]:
    """Module id -> its quiz, for the modules of a version that close with a quiz."""
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.version_id == version_id, Quiz.module_id.is_not(None))
    )
    return {quiz.module_id: quiz for quiz in quizzes}


def done_module_ids(enrolment_id: int, version_id: int, cycle: int = 1) -> set[int]:
    """The modules of ``version_id`` done in the enrolment's ``cycle``."""
    return set(
        db.session.scalars(
            select(Progress.module_id).where(
                Progress.enrolment_id == enrolment_id,
                Progress.version_id == version_id,
                Progress.cycle == cycle,
                Progress.module_id.is_not(None),
            )
        )
    )


def completion_of(enrolment_id: int, version_id: int, cycle: int = 1) -> Completion | None:
    """The completion of ``version_id`` in the enrolment's ``cycle``, or None."""
    return db.session.scalar(
        select(Completion).where(
            Completion.enrolment_id == enrolment_id,
            Completion.version_id == version_id,
            Completion.cycle == cycle,
        )
    )


def cycle_started(enrolment: Enrolment) -> Cycle | None:
    """Why and when the enrolment's current cycle began (None in the first)."""
    if enrolment.cycle <= 1:
        return None
    return db.session.scalar(
        select(Cycle).where(Cycle.enrolment_id == enrolment.id, Cycle.number == enrolment.cycle)
    )


# Enrolling -------------------------------------------------------------------------------


def enrol(user, course: Course, *, key: str | None = None, via_quiz: bool = False) -> Enrolment:
    """A learner enrols themself (or re-activates their withdrawn enrolment) on the
    published version, as the course's front matter allows. Raises EnrolmentRefused and
    stores nothing otherwise. Admins enrol people through ``assignments``."""
    from flask_babel import gettext as _

    version = course.published_version
    if version is None:
        raise EnrolmentRefused(_("This course is not open for enrolment."))
    if version.enrolment == "assigned" or (via_quiz and version.enrolment != "open"):
        raise EnrolmentRefused(
            _("Your centre admin assigns this course; you cannot enrol yourself.")
        )
    if version.enrolment == "key" and not keys.key_matches(course, key or ""):
        raise EnrolmentRefused(_("The enrolment key is wrong."))
    method = "quiz" if via_quiz else version.enrolment
    enrolment = add_enrolment(user, course, method=method)
    db.session.commit()
    return enrolment


def add_enrolment(user, course: Course, *, method: str, actor=None) -> Enrolment:
    """Add (or re-activate) without committing, for batch callers; audits admin actions."""
    enrolment = enrolment_for(user.id, course.id, lock=True)
    if enrolment is not None and enrolment.is_active:
        return enrolment
    if enrolment is None:
        enrolment = Enrolment(
            user_id=user.id,
            course_id=course.id,
            version_id=course.published_version_id,
            method=method,
            enrolled_by_id=getattr(actor, "id", None),
        )
        db.session.add(enrolment)
        action = "enrolment.enrolled"
    else:
        enrolment.status = ACTIVE
        action = "enrolment.rejoined"
    db.session.flush()
    audit.record(action, actor=actor or user, subject=user, course=course.slug, method=method)
    return enrolment


def safe_enrol(user, course: Course, **kwargs) -> Enrolment | None:
    """``enrol`` that turns a concurrent duplicate into the enrolment already stored."""
    try:
        return enrol(user, course, **kwargs)
    except IntegrityError:
        db.session.rollback()
        return active_enrolment(user.id, course.id)


def unenrol(user, course: Course) -> bool:
    """Withdraw; every progress mark and completion stays. False when not enrolled."""
    enrolment = enrolment_for(user.id, course.id, lock=True)
    if enrolment is None or not enrolment.is_active:
        return False
    enrolment.status = WITHDRAWN
    enrolment.withdrawn_at = utcnow()
    audit.record("enrolment.withdrawn", actor=user, subject=user, course=course.slug)
    db.session.commit()
    return True


# Progress and completion ------------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    progress_id: int | None  # None: it was done already
    completion_id: int | None = None


def mark_done(
    enrolment: Enrolment,
    module: Module | None,
    *,
    source: str,
    quiz_id: int | None = None,
    score_percent: float | None = None,
    attempt_id: int | None = None,
) -> Marked:
    """Record a module done (or, with ``module=None``, a course quiz passed), then see
    whether the course is complete. Repeating it is harmless."""
    row = Progress(
        enrolment_id=enrolment.id,
        cycle=enrolment.cycle,
        version_id=module.version_id if module is not None else enrolment.version_id,
        module_id=module.id if module is not None else None,
        quiz_id=quiz_id,
        source=source,
        score_percent=score_percent,
        attempt_id=attempt_id,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        row = None
    if row is not None and module is not None:
        events.emit(
            events.module_completed,
            events.ModuleCompleted(
                user_id=enrolment.user_id,
                course_id=enrolment.course_id,
                version_id=module.version_id,
                module_id=module.id,
                at=row.done_at,
            ),
        )
    completion = check_completion(enrolment, score_percent=score_percent)
    return Marked(row.id if row is not None else None, completion)


def closing_score(enrolment_id: int, version_id: int, cycle: int = 1) -> float | None:
    """The score of the quiz passed last on this version in this cycle (the one that closed
    the course)."""
    return db.session.scalar(
        select(Progress.score_percent)
        .where(
            Progress.enrolment_id == enrolment_id,
            Progress.version_id == version_id,
            Progress.cycle == cycle,
            Progress.score_percent.is_not(None),
        )
        .order_by(Progress.done_at.desc(), Progress.id.desc())
        .limit(1)
    )


def check_completion(enrolment: Enrolment, *, score_percent: float | None = None) -> int | None:
    """Insert the completion when every module is done and nothing blocks; emit
    ``course_completed`` from this call only if its insert won. Returns its id or None."""
    version_id, cycle = enrolment.version_id, enrolment.cycle
    total = db.session.scalar(select(func.count(Module.id)).where(Module.version_id == version_id))
    if not total or len(done_module_ids(enrolment.id, version_id, cycle)) < total:
        return None
    if completion_of(enrolment.id, version_id, cycle) is not None:
        return None
    started = cycle_started(enrolment)
    query = events.CompletionQuery(
        user_id=enrolment.user_id,
        course_id=enrolment.course_id,
        version_id=version_id,
        enrolment_id=enrolment.id,
        since=started.started_at if started is not None else None,
    )
    if any(reasons for reasons in events.emit(events.completion_blockers, query)):
        return None
    if score_percent is None:
        score_percent = closing_score(enrolment.id, version_id, cycle)
    completion = Completion(
        enrolment_id=enrolment.id,
        cycle=cycle,
        user_id=enrolment.user_id,
        course_id=enrolment.course_id,
        version_id=version_id,
        score_percent=score_percent,
    )
    db.session.add(completion)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent request completed it first: it sends the signal
        return None
    current_app.logger.info("enrolment %s completed version %s", enrolment.id, version_id)
    events.emit(
        events.course_completed,
        events.CourseCompleted(
            user_id=enrolment.user_id,
            course_id=enrolment.course_id,
            version_id=version_id,
            enrolment_id=enrolment.id,
            completion_id=completion.id,
            at=completion.completed_at,
            score_percent=score_percent,
        ),
    )
    return completion.id


def module_in_version(version_id: int, slug: str) -> Module | None:
    return db.session.scalar(
        select(Module).where(Module.version_id == version_id, Module.slug == slug)
    )


def version_of(version_id: int) -> CourseVersion | None:
    return db.session.get(CourseVersion, version_id)
