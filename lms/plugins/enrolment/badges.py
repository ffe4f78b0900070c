"""A person's state on the catalogue's cards, in one statement (issue 18).

The cards need three facts per course: the completion of the enrolment's current version
and cycle, whether an assignment is open (and its due date), and that the person is
enrolled. ``state.states_for`` computes these and much more (modules done, notices, cycles)
from five statements and full ORM rows; the catalogue, which every learner opens first,
asks this narrower question instead. ``tests/enrolment/test_badges.py`` holds the two
answers equal in every state a card can show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.plugins.enrolment.models import ACTIVE, Assignment, Completion, Cycle, Enrolment


@dataclass(frozen=True)
class CardFacts:
    """One active enrolment as a card shows it. ``completed_at``: UTC, naive (as stored),
    the first completion of the enrolment's current version and cycle, or None; ``assigned``:
    an assignment of the course is open; ``due_on``: its due date (None: none set)."""

    course_id: int
    completed_at: datetime | None
    assigned: bool
    due_on: date | None


def _statement():
    """The statement, built once per process (building it costs more than running it)."""
    first_done = (
        select(Completion.completed_at)
        .where(
            Completion.enrolment_id == Enrolment.id,
            Completion.version_id == Enrolment.version_id,
            Completion.cycle == Enrolment.cycle,
        )
        .order_by(Completion.completed_at, Completion.id)
        .limit(1)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    # An assignment is open until it is withdrawn or a completion of its course that still
    # counts (no retake cycle ended it: a revoked certificate's) is recorded at or after
    # it was made; the newest open one (highest id) gives the due date. As
    # state.open_due_dates.
    later = aliased(Completion)
    open_assignment = (
        select(Assignment.id)
        .where(
            Assignment.user_id == Enrolment.user_id,
            Assignment.course_id == Enrolment.course_id,
            Assignment.withdrawn_at.is_(None),
            ~exists().where(
                later.user_id == Assignment.user_id,
                later.course_id == Assignment.course_id,
                later.completed_at >= Assignment.created_at,
                ~exists().where(Cycle.ends_completion_id == later.id),
            ),
        )
        .order_by(Assignment.id.desc())
        .limit(1)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    inner = (
        select(
            Enrolment.course_id,
            first_done.label("completed_at"),
            open_assignment.label("assignment_id"),
        )
        .where(
            Enrolment.user_id == bindparam("user_id"),
            Enrolment.status == ACTIVE,
            Enrolment.course_id.in_(bindparam("course_ids", expanding=True)),
        )
        .subquery()
    )
    return select(
        inner.c.course_id, inner.c.completed_at, inner.c.assignment_id, Assignment.due_on
    ).outerjoin(Assignment, and_(Assignment.id == inner.c.assignment_id))


_STATEMENT = None


def card_facts(user_id: int, course_ids: list[int]) -> list[CardFacts]:
    """The person's active enrolments among ``course_ids``, in one statement whatever their
    number. A person holds at most one active enrolment per course."""
    global _STATEMENT
    if not course_ids:
        return []
    if _STATEMENT is None:
        _STATEMENT = _statement()
    rows = db.session.execute(_STATEMENT, {"user_id": user_id, "course_ids": list(course_ids)})
    return [
        CardFacts(course_id, completed_at, assignment_id is not None, due_on)
        for course_id, completed_at, assignment_id, due_on in rows
    ]
