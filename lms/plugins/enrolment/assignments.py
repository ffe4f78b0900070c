"""Mandatory training: a centre admin assigns a course (with a due date) and enrols people.

Re-assigning never changes a stored assignment. A person who already has an open
assignment of the course keeps it (counted as "already assigned") unless the admin ticks
"record this due date also for people already assigned": then a new assignment row holds
the new due date, an audit event records the change, and the newest open one governs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import audit, clock
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import Profession, User
from lms.plugins.enrolment import state
from lms.plugins.enrolment.models import ACTIVE, Assignment, Completion, Enrolment

LIST_LIMIT = 500


class NotAtCentre(Exception):
    """The person is not at the admin's centre."""


class Conflict(Exception):
    """A concurrent change got in first; nothing was stored."""


@dataclass
class Result:
    assigned: int = 0
    already: int = 0
    enrolled: int = 0


def people_at(centre_id: int, target: str, *, person_id=None, profession=None) -> list[User]:
    query = select(User).where(User.centre_id == centre_id, User.active.is_(True))
    if target == "person":
        person = db.session.get(User, person_id) if person_id else None
        if person is None or person.centre_id != centre_id:
            raise NotAtCentre(person_id)
        return [person]
    if target == "profession":
        query = query.where(User.profession == Profession(profession))
    return list(db.session.scalars(query.order_by(User.name)))


def enrol_many(course: Course, users: list[User], *, actor, method: str) -> int:
    """Enrol (or re-activate) each person, without committing; admin enrolments are
    audited. Returns how many were newly enrolled."""
    ids = [u.id for u in users]
    existing = (
        {
            e.user_id: e
            for e in db.session.scalars(
                select(Enrolment)
                .where(Enrolment.course_id == course.id, Enrolment.user_id.in_(ids))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        }
        if ids
        else {}
    )
    count = 0
    for user in users:
        enrolment = existing.get(user.id)
        if enrolment is not None and enrolment.is_active:
            continue
        if enrolment is None:
            db.session.add(
                Enrolment(
                    user_id=user.id,
                    course_id=course.id,
                    version_id=course.published_version_id,
                    method=method,
                    enrolled_by_id=actor.id,
                )
            )
        else:
            enrolment.status = ACTIVE
        audit.record(
            "enrolment.enrolled", actor=actor, subject=user, course=course.slug, method=method
        )
        count += 1
    return count


def assign(
    course: Course,
    users: list[User],
    *,
    actor,
    due_on: date | None,
    new_due_date: bool = False,
    method: str = "assigned",
    commit: bool = True,
    reason: str | None = None,
) -> Result:
    db.session.scalar(select(Course.id).where(Course.id == course.id).with_for_update())
    result = Result()
    open_now = state.open_due_dates([u.id for u in users], [course.id])
    for user in users:
        key = (user.id, course.id)
        if key in open_now and (not new_due_date or open_now[key] == due_on):
            result.already += 1
            continue
        db.session.add(
            Assignment(
                course_id=course.id,
                user_id=user.id,
                centre_id=user.centre_id,
                due_on=due_on,
                assigned_by_id=actor.id,
            )
        )
        action = "enrolment.due_date_changed" if key in open_now else "enrolment.assigned"
        previous = open_now.get(key)
        audit.record(
            action,
            actor=actor,
            subject=user,
            course=course.slug,
            due_on=due_on.isoformat() if due_on else None,
            previous_due_on=previous.isoformat() if previous else None,
            reason=reason,
        )
        result.assigned += 1
    result.enrolled = enrol_many(course, users, actor=actor, method=method)
    if commit:
        try:
            db.session.commit()
        except IntegrityError as exc:
            db.session.rollback()
            raise Conflict from exc
    return result


@dataclass(frozen=True)
class Row:
    assignment: Assignment
    name: str
    email: str
    title: str
    done: bool

    @property
    def overdue(self) -> bool:
        due = self.assignment.due_on
        return not self.done and due is not None and due < clock.local_today()


def listing(centre_id: int, language: str) -> list[Row]:
    """The newest assignments at a centre with each one's state, in three queries; course
    titles in ``language`` where the course has that translation."""
    rows = db.session.execute(
        select(Assignment, User.name, User.email, CourseVersion.title, CourseVersion.translations)
        .join(User, User.id == Assignment.user_id)
        .join(Course, Course.id == Assignment.course_id)
        .join(CourseVersion, CourseVersion.id == Course.published_version_id)
        .where(Assignment.centre_id == centre_id)
        .order_by(Assignment.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    user_ids = sorted({a.user_id for a, *_ in rows})
    last_done = {}
    if user_ids:
        last_done = {
            (u, c): at
            for u, c, at in db.session.execute(
                select(Completion.user_id, Completion.course_id, func.max(Completion.completed_at))
                .where(Completion.user_id.in_(user_ids), state.counts())
                .group_by(Completion.user_id, Completion.course_id)
            )
        }
    found = []
    for assignment, name, email, original, translations in rows:
        title = (translations or {}).get(language, {}).get("title") or original
        done_at = last_done.get((assignment.user_id, assignment.course_id))
        found.append(
            Row(
                assignment,
                name,
                email,
                title,
                done_at is not None and done_at >= assignment.created_at,
            )
        )
    return found
