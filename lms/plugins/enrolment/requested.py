"""Assignments other plugins ask for (``assignment_requested``) or withdraw
(``assignment_withdrawn``), and the centre admin's own changes: a new due date, a withdrawal.

The compliance plugin turns training requirements into assignments but never writes this
plugin's tables: it sends a signal, and these receivers write inside the sender's
transaction (they never commit). Records stay: a withdrawn assignment keeps its row with
who, when and why; a new due date is a new row, audited with the old and the new date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from lms import audit, clock, events
from lms.content.models import Course
from lms.extensions import db
from lms.models import User
from lms.plugins.enrolment import services, state
from lms.plugins.enrolment.models import Assignment, Completion, Cycle


class PastDueDate(ValueError):
    """A new due date before today (Europe/Stockholm): refused, nothing changed."""


class AlreadyWithdrawn(ValueError):
    """The assignment was withdrawn before: nothing changed."""


def last_done(user_id: int, course_id: int) -> datetime | None:
    """When the person last completed the course (a completion that still counts)."""
    return db.session.scalar(
        select(func.max(Completion.completed_at)).where(
            Completion.user_id == user_id, Completion.course_id == course_id, state.counts()
        )
    )


def open_assignments(user_id: int, course_id: int) -> list[Assignment]:
    """The person's assignments of the course that still ask something: not withdrawn and
    made after the last completion that counts; oldest first."""
    done_at = last_done(user_id, course_id)
    query = select(Assignment).where(
        Assignment.user_id == user_id,
        Assignment.course_id == course_id,
        Assignment.withdrawn_at.is_(None),
    )
    if done_at is not None:
        query = query.where(Assignment.created_at > done_at)
    return list(db.session.scalars(query.order_by(Assignment.id)))


def _start_cycle(enrolment, at: datetime) -> None:
    """Recertification: the current cycle is complete, so the learner takes the course again
    in a new one; the earlier completion keeps counting until its certificate expires."""
    if services.completion_of(enrolment.id, enrolment.version_id, enrolment.cycle) is None:
        return
    enrolment.cycle += 1
    if enrolment.course.published_version_id is not None:
        enrolment.version_id = enrolment.course.published_version_id
    db.session.add(
        Cycle(
            enrolment_id=enrolment.id,
            user_id=enrolment.user_id,
            number=enrolment.cycle,
            reason="recertification",
            started_at=at,
        )
    )


def on_assignment_requested(sender, payload: events.AssignmentRequest, **_extra) -> int | None:
    """Store the requested assignment and enrol the person; returns the assignment id, or
    None when nothing was written (an open assignment of the course exists, the person is
    deactivated, the course is not published)."""
    course = db.session.get(Course, payload.course_id)
    user = db.session.get(User, payload.user_id)
    if course is None or course.published_version_id is None or user is None or not user.active:
        return None
    if open_assignments(user.id, course.id):
        return None
    assignment = Assignment(
        course_id=course.id,
        user_id=user.id,
        centre_id=user.centre_id,
        due_on=payload.due_on,
        assigned_by_id=payload.actor_id,
        created_at=payload.at,
        requirement_id=payload.requirement_id,
        reason=payload.reason[:300],
    )
    db.session.add(assignment)
    actor = db.session.get(User, payload.actor_id) if payload.actor_id else None
    enrolment = services.add_enrolment(user, course, method="requirement", actor=actor)
    if payload.recertify:
        _start_cycle(enrolment, payload.at)
    db.session.flush()
    audit.record(
        "enrolment.assigned",
        actor=payload.actor_id,
        subject=user,
        course=course.slug,
        due_on=payload.due_on.isoformat() if payload.due_on else None,
        requirement=payload.requirement_id,
        reason=payload.reason,
        recertification=payload.recertify,
    )
    return assignment.id


def _withdraw(assignment: Assignment, *, actor_id: int | None, reason: str, at: datetime):
    assignment.withdrawn_at = at
    assignment.withdrawn_by_id = actor_id
    assignment.withdrawn_reason = reason
    audit.record(
        "enrolment.assignment_withdrawn",
        actor=actor_id,
        subject=assignment.user_id,
        assignment=assignment.id,
        course_id=assignment.course_id,
        due_on=assignment.due_on.isoformat() if assignment.due_on else None,
        reason=reason,
    )


def on_assignment_withdrawn(sender, payload: events.AssignmentWithdrawal, **_extra) -> int:
    """Withdraw the requirement's open assignments of the person; returns how many."""
    found = [
        a
        for a in open_assignments(payload.user_id, payload.course_id)
        if a.requirement_id == payload.requirement_id
    ]
    for assignment in found:
        _withdraw(assignment, actor_id=payload.actor_id, reason=payload.reason, at=payload.at)
    db.session.flush()
    return len(found)


def withdraw(assignment: Assignment, *, actor: User, reason: str) -> None:
    """A centre admin withdraws an assignment with a typed ``reason``; the caller commits.
    Raises :class:`AlreadyWithdrawn`."""
    if assignment.is_withdrawn:
        raise AlreadyWithdrawn(assignment.id)
    _withdraw(assignment, actor_id=actor.id, reason=reason, at=clock.utcnow())


def redate(assignment: Assignment, *, actor: User, due_on: date | None, reason: str) -> Assignment:
    """A new due date for an assignment: a new row with the same terms (the newest open one
    governs), audited with the old and the new date and the ``reason``; the caller commits.
    Raises :class:`PastDueDate` for a date before today (Europe/Stockholm) and
    :class:`AlreadyWithdrawn`."""
    if assignment.is_withdrawn:
        raise AlreadyWithdrawn(assignment.id)
    if due_on is not None and due_on < clock.local_today():
        raise PastDueDate(due_on)
    new = Assignment(
        course_id=assignment.course_id,
        user_id=assignment.user_id,
        centre_id=assignment.centre_id,
        due_on=due_on,
        assigned_by_id=actor.id,
        created_at=clock.utcnow(),
        requirement_id=assignment.requirement_id,
        reason=assignment.reason,
    )
    db.session.add(new)
    db.session.flush()
    audit.record(
        "enrolment.due_date_changed",
        actor=actor,
        subject=assignment.user_id,
        assignment=new.id,
        replaces=assignment.id,
        course_id=assignment.course_id,
        previous_due_on=assignment.due_on.isoformat() if assignment.due_on else None,
        due_on=due_on.isoformat() if due_on else None,
        reason=reason,
    )
    return new
