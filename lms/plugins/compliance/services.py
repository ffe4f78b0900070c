"""Training requirements: create, withdraw, and keep everyone's assignments in step.

A requirement says who must hold which course within how many days. It turns into
assignments (owned by the enrolment plugin, asked for through ``assignment_requested``)
for everyone who matches: when it is created, when a person joins or moves centre
(``membership_changed``), when their profession or unit changes (``person_changed``). A
person who stops matching keeps every record; the requirement's open assignment is withdrawn
(``assignment_withdrawn``) with the reason shown. Someone holding a valid certificate of the
course is not asked again. Nothing here commits except the page-facing functions that say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import audit, clock, events
from lms.extensions import db
from lms.models import Role, User
from lms.plugins.compliance import notices, records
from lms.plugins.compliance.models import Requirement

LIST_LIMIT = 500


@dataclass(frozen=True)
class Applied:
    """What applying a requirement did: people matching, assigned now, already holding a
    valid certificate."""

    matching: int = 0
    assigned: int = 0
    holding: int = 0


def visible(actor: User):
    """Requirements ``actor`` may see and change: a centre admin their centre's (not the
    all-centre ones, which only site admins change), a site admin all."""
    query = select(Requirement)
    if not actor.has_role(Role.site_admin):
        query = query.where(Requirement.centre_id == actor.centre_id)
    return query


def listing(actor: User, centre_id: int | None = None) -> list[Requirement]:
    """The requirements ``actor`` may see (those at ``centre_id`` and every centre's, when
    given), newest first."""
    query = visible(actor)
    if centre_id is not None:
        query = select(Requirement).where(
            (Requirement.centre_id == centre_id) | Requirement.centre_id.is_(None)
        )
    return list(db.session.scalars(query.order_by(Requirement.id.desc()).limit(LIST_LIMIT)))


def matching_people(requirement: Requirement) -> list[User]:
    """Active people with a confirmed centre who fall under ``requirement``, by name."""
    query = select(User).where(User.active.is_(True), User.centre_id.is_not(None))
    if requirement.centre_id is not None:
        query = query.where(User.centre_id == requirement.centre_id)
    if requirement.profession:
        query = query.where(User.profession == requirement.profession)
    if requirement.unit:
        query = query.where(func.lower(User.unit) == requirement.unit.lower())
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def _request(requirement: Requirement, user: User, actor_id: int | None) -> int | None:
    due_on = clock.local_today() + timedelta(days=requirement.days_to_complete)
    payload = events.AssignmentRequest(
        user_id=user.id,
        course_id=requirement.course_id,
        due_on=due_on,
        requirement_id=requirement.id,
        reason=requirement.name,
        at=clock.utcnow(),
        actor_id=actor_id,
    )
    created = next((v for v in events.emit(events.assignment_requested, payload) if v), None)
    if created is not None:
        notices.assigned(user, created, requirement.course, due_on, requirement.name)
    return created


def apply(requirement: Requirement, users: list[User], *, actor_id: int | None) -> Applied:
    """Ask for an assignment for each person in ``users`` who matches and holds no valid
    certificate of the course (Europe/Stockholm today); the assigned notice is queued with
    each. Writes in the caller's transaction."""
    matching = [u for u in users if requirement.matches(u)]
    holding = records.holders([u.id for u in matching], requirement.course_id, clock.local_today())
    assigned = 0
    for user in matching:
        if user.id not in holding and _request(requirement, user, actor_id) is not None:
            assigned += 1
    return Applied(len(matching), assigned, len(holding))


def create(actor: User, **values) -> tuple[Requirement, Applied]:
    """Store a requirement (``name``, ``reason``, ``centre_id``, ``profession``, ``unit``,
    ``course_id``, ``days_to_complete``) made by ``actor`` and assign it to everyone who
    matches now; audited; commits."""
    requirement = Requirement(created_by_id=actor.id, created_at=clock.utcnow(), **values)
    db.session.add(requirement)
    db.session.flush()
    audit.record(
        "compliance.requirement_created",
        actor=actor,
        requirement=requirement.id,
        **{k: v for k, v in values.items() if k != "reason"},
    )
    applied = apply(requirement, matching_people(requirement), actor_id=actor.id)
    db.session.commit()
    return requirement, applied


def _withdrawal(requirement: Requirement, user: User, reason: str, actor_id) -> int:
    payload = events.AssignmentWithdrawal(
        user_id=user.id,
        course_id=requirement.course_id,
        requirement_id=requirement.id,
        reason=reason,
        at=clock.utcnow(),
        actor_id=actor_id,
    )
    return sum(v or 0 for v in events.emit(events.assignment_withdrawn, payload))


def withdraw(requirement: Requirement, actor: User, reason: str) -> int:
    """Withdraw the requirement and its open assignments (records stay); audited; commits.
    Returns how many assignments were withdrawn."""
    requirement.withdrawn_at = clock.utcnow()
    requirement.withdrawn_by_id = actor.id
    requirement.withdrawn_reason = reason
    audit.record(
        "compliance.requirement_withdrawn", actor=actor, requirement=requirement.id, reason=reason
    )
    count = 0
    for user_id in records.requirement_holders(requirement.id):
        user = db.session.get(User, user_id)
        with force_locale(user.locale or "sv"):
            text = _(
                "The requirement “%(name)s” was withdrawn: %(reason)s",
                name=requirement.name,
                reason=reason,
            )
        count += _withdrawal(requirement, user, text, actor.id)
    db.session.commit()
    return count


def sync_person(user_id: int, actor_id: int | None = None) -> None:
    """Bring one person's requirement-made assignments in step with the requirements they
    match now: withdraw those of requirements they no longer match (with the reason shown
    to them), then ask for the ones they newly match. In the caller's transaction."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    active = list(
        db.session.scalars(
            select(Requirement).where(Requirement.withdrawn_at.is_(None)).order_by(Requirement.id)
        )
    )
    for requirement in active:
        if not requirement.matches(user):
            with force_locale(user.locale or "sv"):
                text = _(
                    "You no longer fall under the requirement “%(name)s” (your centre, "
                    "profession or unit changed).",
                    name=requirement.name,
                )
            _withdrawal(requirement, user, text, actor_id)
    for requirement in active:
        if requirement.matches(user):
            apply(requirement, [user], actor_id=actor_id)


def on_membership_changed(sender, payload: events.MembershipChanged, **_extra) -> None:
    sync_person(payload.user_id, payload.actor_id)


def on_person_changed(sender, payload: events.PersonChanged, **_extra) -> None:
    sync_person(payload.user_id, payload.actor_id)
