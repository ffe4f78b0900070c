"""A person's profession and unit: what training requirements are matched on.

Like the centre (:mod:`lms.membership`), these decide which training a person must hold, so
once a person is a confirmed member of a centre they are the centre's to set: a centre
admin (own centre) or site admin with a reason, an import, or an identity provider. A
person without a confirmed centre sets their own profession (at registration and in the
profile). :func:`update` is the one writer: it audits old -> new with the real actor and
the reason, and sends ``person_changed`` inside the transaction.
"""

from __future__ import annotations

from lms import audit, events
from lms.clock import utcnow
from lms.models import Profession, User
from lms.text import one_line

UNSET = object()
UNIT_MAX = 120


def clean_unit(value: str | None) -> str | None:
    """A unit as stored: one line of printable text (NFC), at most 120 characters; empty
    means none."""
    text = one_line(value or "")[:UNIT_MAX]
    return text or None


def may_edit_own(user: User) -> bool:
    """True while the person has no confirmed centre: then their profession is theirs."""
    return user.centre_id is None


def update(
    user: User,
    *,
    profession: Profession | object = UNSET,
    unit: str | object | None = UNSET,
    actor: User | None,
    via: str,
    reason: str | None = None,
) -> frozenset[str]:
    """Set ``profession`` and/or ``unit`` (leave a value out to keep it). Records
    ``person.updated`` with ``{field: {"old", "new"}}``, the actor, ``via`` and ``reason``,
    and sends ``person_changed`` when anything changed. Adds to the caller's transaction
    (the caller commits). Returns the names of the fields that changed (empty: none).
    Permission is the caller's to check (:func:`may_edit_own`, the members page)."""
    changes: dict[str, dict] = {}
    if profession is not UNSET and user.profession != profession:
        changes["profession"] = {"old": str(user.profession), "new": str(profession)}
        user.profession = profession  # type: ignore[assignment]
    if unit is not UNSET:
        unit = clean_unit(unit)  # type: ignore[arg-type]
        if user.unit != unit:
            changes["unit"] = {"old": user.unit, "new": unit}
            user.unit = unit
    if not changes:
        return frozenset()
    audit.record(
        "person.updated",
        actor=actor,
        subject=user,
        via=via,
        reason=reason,
        **changes,
    )
    fields = frozenset(changes)
    events.emit(
        events.person_changed,
        events.PersonChanged(
            user_id=user.id,
            fields=fields,
            at=utcnow(),
            via=via,
            actor_id=getattr(actor, "id", None),
        ),
    )
    return fields


SEARCH_LIMIT = 25


def search(centre_id: int | None, term: str, *, limit: int = SEARCH_LIMIT) -> list[User]:
    """The active people of ``centre_id`` whose name or e-mail contains ``term`` (any letter
    case, also å ä ö), by name, at most ``limit``; ``[]`` for an empty term or no centre.
    ``term`` as :func:`lms.params.search_term` reads it. For the centre pages' pickers."""
    from sqlalchemy import or_, select

    from lms.extensions import db, unicode_lower
    from lms.params import contains_pattern

    if centre_id is None or not term.strip():
        return []
    pattern = contains_pattern(term.strip().lower())
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.centre_id == centre_id,
                User.active.is_(True),
                or_(
                    unicode_lower(User.name).like(pattern, escape="\\"),
                    unicode_lower(User.email).like(pattern, escape="\\"),
                ),
            )
            .order_by(User.name, User.id)
            .limit(limit)
        )
    )
