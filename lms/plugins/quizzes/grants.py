"""Extra attempts: who may grant them, who a locked-out learner should ask, and the grant.

A learner who used every attempt at a quiz without passing asks for more; three kinds of
people may grant them, each for one learner at one quiz, with a reason:

* an owner of the course (an educator whose e-mail is in the version's ``owners``);
* an admin of the learner's centre (their own centre only);
* a site admin.

The grant is a record (``quizzes_attempt_grant``) and an audit event with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select

from lms import audit
from lms.content.models import CourseVersion, Quiz
from lms.extensions import db, unicode_lower
from lms.models import Role, User, holds_role
from lms.params import contains_pattern
from lms.plugins.quizzes.models import IN_PROGRESS, Attempt, AttemptGrant

MAX_EXTRA = 5
LIST_LIMIT = 200


@dataclass(frozen=True)
class Contact:
    """Someone a learner may ask for another attempt, and why them."""

    name: str
    email: str
    why: str


def _owners(version: CourseVersion) -> list[str]:
    return [email.lower() for email in version.owners or []]


def may_grant(actor: User, quiz: Quiz, learner: User) -> bool:
    """Owners of the quiz's course, admins of the learner's centre, site admins."""
    if actor.has_role(Role.site_admin):
        return True
    as_centre_admin = (
        actor.has_role(Role.centre_admin)
        and actor.centre_id is not None
        and actor.centre_id == learner.centre_id
    )
    as_owner = actor.has_role(Role.educator) and actor.email.lower() in _owners(quiz.version)
    return as_centre_admin or as_owner


def contacts(learner: User, quiz: Quiz) -> list[Contact]:
    """Whom ``learner`` may ask: the course's owners and their centre's admins (active
    accounts); the site admins when there is neither."""
    owners = _owners(quiz.version)
    found: list[Contact] = []
    if owners:
        for user in db.session.scalars(
            select(User)
            .where(func.lower(User.email).in_(owners), User.active.is_(True))
            .order_by(User.name)
        ):
            found.append(Contact(user.name, user.email, str(_l("course owner"))))
    if learner.centre_id is not None:
        for user in db.session.scalars(
            select(User)
            .where(
                holds_role(Role.centre_admin),
                User.centre_id == learner.centre_id,
                User.active.is_(True),
            )
            .order_by(User.name)
        ):
            found.append(Contact(user.name, user.email, str(_l("your centre's admin"))))
    if not found:
        for user in db.session.scalars(
            select(User)
            .where(holds_role(Role.site_admin), User.active.is_(True))
            .order_by(User.name)
        ):
            found.append(Contact(user.name, user.email, str(_l("site admin"))))
    return found


def history(learner_id: int, quiz_id: int) -> list[AttemptGrant]:
    return list(
        db.session.scalars(
            select(AttemptGrant)
            .where(AttemptGrant.user_id == learner_id, AttemptGrant.quiz_id == quiz_id)
            .order_by(AttemptGrant.id)
        )
    )


def grant(actor: User, quiz: Quiz, learner: User, *, extra: int, reason: str) -> AttemptGrant:
    """Store the grant and its audit event (the reason in the details) in one transaction.
    Raises PermissionError when ``actor`` may not grant (see :func:`may_grant`)."""
    if not may_grant(actor, quiz, learner):
        raise PermissionError
    row = AttemptGrant(
        user_id=learner.id, quiz_id=quiz.id, extra=extra, reason=reason, granted_by_id=actor.id
    )
    db.session.add(row)
    audit.record(
        "quiz.attempts_granted",
        actor=actor,
        subject=learner,
        course=quiz.version.course.slug,
        version=quiz.version.version,
        quiz=quiz.slug,
        extra=extra,
        reason=reason,
    )
    db.session.commit()
    return row


@dataclass(frozen=True)
class Waiting:
    """A learner who used every attempt at a quiz without passing."""

    learner: User
    quiz: Quiz
    used: int
    allowed: int


def waiting(actor: User, term: str = "") -> list[Waiting]:
    """The locked-out learners ``actor`` may grant attempts to, newest quizzes first; with
    ``term`` (:func:`lms.params.search_term`) only those whose name or e-mail contains it."""
    used = (
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            func.max(Attempt.number).label("used"),
            func.max(case((Attempt.passed.is_(True), 1), else_=0)).label("passed"),
        )
        .group_by(Attempt.user_id, Attempt.quiz_id)
        .subquery()
    )
    granted = (
        select(
            AttemptGrant.user_id,
            AttemptGrant.quiz_id,
            func.sum(AttemptGrant.extra).label("extra"),
        )
        .group_by(AttemptGrant.user_id, AttemptGrant.quiz_id)
        .subquery()
    )
    extra = func.coalesce(granted.c.extra, 0)
    running = exists().where(
        Attempt.user_id == used.c.user_id,
        Attempt.quiz_id == used.c.quiz_id,
        Attempt.status == IN_PROGRESS,
    )
    query = (
        select(User, Quiz, used.c.used, Quiz.max_attempts + extra)
        .join(used, used.c.user_id == User.id)
        .join(Quiz, Quiz.id == used.c.quiz_id)
        .outerjoin(granted, and_(granted.c.user_id == User.id, granted.c.quiz_id == used.c.quiz_id))
        .where(
            used.c.passed == 0,
            Quiz.max_attempts.is_not(None),
            used.c.used >= Quiz.max_attempts + extra,
            ~running,
        )
        .order_by(Quiz.id.desc(), User.name)
    )
    if not actor.has_role(Role.educator, Role.site_admin):  # a centre admin only
        query = query.where(User.centre_id == actor.centre_id)
    if term.strip():
        pattern = contains_pattern(term.strip().lower())
        query = query.where(
            or_(
                unicode_lower(User.name).like(pattern, escape="\\"),
                unicode_lower(User.email).like(pattern, escape="\\"),
            )
        )
    rows = db.session.execute(query.limit(LIST_LIMIT * 5)).all()
    found = [
        Waiting(learner, quiz, used_n, allowed)
        for learner, quiz, used_n, allowed in rows
        if may_grant(actor, quiz, learner)
    ]
    return found[:LIST_LIMIT]
