"""Centre membership: who belongs to which centre, decided by the centre, never by the person.

A person *asks* to join a centre (at registration, or later from the profile); the centre's
admin, or a site admin, confirms or declines. A confirmed person cannot move themselves:
they may ask to move, and the target centre's admin confirms; the old membership then ends
with "moved to X" and its date. Admins may also *place* a person (an invitation or CSV
import, the admin's page of a person), and a trusted identity provider may assert a centre
(issue 15: call :func:`place` with ``via="identity_provider"``). A centre admin's own centre
changes only by a site admin. Addresses in a centre's e-mail domains are confirmed at once,
once the address is proven (:mod:`lms.membership.domains`).

Every change here:

- writes ``centre_membership`` rows (never deleted or overwritten: a request is decided
  once, a membership ends once) and keeps ``User.centre_id`` equal to the confirmed one;
- is audited with the real actor, old and new centre, and the admin's ``reason``;
- sends ``membership_changed`` (when the confirmed centre changes) inside the transaction,
  before it commits, so receivers write in the same transaction (issue 14's requirements);
- does not commit unless the function says so: the caller decides (registration, an import
  and an admin page all commit once).

The partial unique indexes on ``centre_membership`` (one open request, one confirmed
membership per person) make a concurrent double decision fail at the database: callers turn
:class:`Conflict` into "someone else got there first".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, events
from lms.clock import utcnow
from lms.extensions import db
from lms.models import (
    Centre,
    CentreMembership,
    MembershipSource,
    MembershipStatus,
    Role,
    User,
)

REQUESTED, CONFIRMED = MembershipStatus.requested, MembershipStatus.confirmed
ADMIN_ROLES = (Role.centre_admin, Role.site_admin)


class MembershipError(Exception):
    """A change that is not allowed; ``code`` says which (the views translate it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Conflict(Exception):
    """A concurrent change got in first; the transaction was rolled back."""


@dataclass(frozen=True)
class Change:
    """What a call did: the row it wrote and whether the confirmed centre changed."""

    membership: CentreMembership
    confirmed: bool


# Look-ups -----------------------------------------------------------------------------------


def current(user_id: int) -> CentreMembership | None:
    """The person's confirmed membership, or None."""
    return db.session.scalar(
        select(CentreMembership).where(
            CentreMembership.user_id == user_id, CentreMembership.status == CONFIRMED
        )
    )


def open_request(user_id: int) -> CentreMembership | None:
    """The person's request waiting for a decision, or None."""
    return db.session.scalar(
        select(CentreMembership).where(
            CentreMembership.user_id == user_id, CentreMembership.status == REQUESTED
        )
    )


def last_decision(user_id: int) -> CentreMembership | None:
    """The person's most recent request that an admin declined, if it is their newest
    request (so the profile can say why)."""
    newest = db.session.scalar(
        select(CentreMembership)
        .where(
            CentreMembership.user_id == user_id,
            CentreMembership.source.in_((MembershipSource.registration, MembershipSource.request)),
        )
        .order_by(CentreMembership.id.desc())
        .limit(1)
    )
    if newest is not None and newest.status == MembershipStatus.declined:
        return newest
    return None


def centre_label(centre_id: int | None) -> str | None:
    centre = db.session.get(Centre, centre_id) if centre_id is not None else None
    return centre.slug if centre is not None else None


def may_decide(actor: User, person: User, centre_id: int) -> bool:
    """Whether ``actor`` may confirm, decline, place or remove ``person`` at ``centre_id``:
    site admins anywhere; a centre admin at their own centre only, never for themselves and
    never for another admin (a centre admin's centre changes only by a site admin)."""
    if actor.has_role(Role.site_admin):
        return True
    return (
        actor.has_role(Role.centre_admin)
        and actor.centre_id is not None
        and actor.centre_id == centre_id
        and actor.id != person.id
        and not person.has_role(*ADMIN_ROLES)
    )


def may_ask(user: User) -> bool:
    """Whether the person may ask to join or move themselves (admins may not)."""
    return not user.has_role(*ADMIN_ROLES)


# Writes ---------------------------------------------------------------------------------------


def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict from exc


def _set_confirmed(
    user: User, new: CentreMembership | None, *, actor: User | None, via: str, reason: str | None
) -> None:
    """Make ``new`` (or nothing) the person's confirmed membership; end the old one."""
    now = utcnow()
    old = current(user.id)
    old_centre = old.centre_id if old is not None else None
    if old is not None and (new is None or old.id != new.id):
        old.status = MembershipStatus.ended
        old.ended_at = now
        old.ended_by_id = getattr(actor, "id", None)
        old.moved_to_id = new.centre_id if new is not None else None
        old.end_reason = reason
        _flush()  # before the new one is confirmed: one confirmed row per person
    if new is not None and new.status != CONFIRMED:
        new.status = CONFIRMED
        new.decided_at = new.decided_at or now
        new.decided_by_id = getattr(actor, "id", None)
        new.decided_via = via
        new.reason = reason
    user.centre_id = new.centre_id if new is not None else None
    _flush()
    new_centre = user.centre_id
    if old_centre == new_centre:
        return
    if old_centre is None:
        action = "membership.confirmed"
    elif new_centre is None:
        action = "membership.ended"
    else:
        action = "membership.moved"
    audit.record(
        action,
        actor=actor,
        subject=user,
        old_centre=centre_label(old_centre),
        new_centre=centre_label(new_centre),
        via=via,
        reason=reason,
    )
    events.emit(
        events.membership_changed,
        events.MembershipChanged(
            user_id=user.id,
            old_centre_id=old_centre,
            new_centre_id=new_centre,
            at=now,
            via=via,
            actor_id=getattr(actor, "id", None),
        ),
    )


def confirm_by_rule(user: User, row: CentreMembership, *, via: str) -> None:
    """Confirm ``row`` (the person's open request) without an admin: the e-mail domain
    rule (``via="email_domain"``) or an identity provider. Does not commit."""
    _set_confirmed(user, row, actor=None, via=via, reason=None)


def ask(
    user: User, centre: Centre, *, source: MembershipSource = MembershipSource.request
) -> Change:
    """The person asks to join ``centre`` (or to move there). A request waiting for another
    centre is withdrawn first (a person may change their mind). When the person's proven
    address is in one of the centre's e-mail domains, the request is confirmed at once.
    Raises MembershipError ``already_member`` (confirmed there) or ``admins_ask_site_admin``
    (admins do not move themselves)."""
    from lms.membership import domains

    if not may_ask(user):
        raise MembershipError("admins_ask_site_admin")
    if user.centre_id == centre.id:
        raise MembershipError("already_member")
    waiting = open_request(user.id)
    if waiting is not None:
        if waiting.centre_id == centre.id:
            return Change(waiting, confirmed=False)
        _close(waiting, MembershipStatus.cancelled, actor=user, via="person", reason=None)
    row = CentreMembership(
        user_id=user.id,
        centre_id=centre.id,
        status=REQUESTED,
        source=source,
        requested_at=utcnow(),
        requested_by_id=user.id,
    )
    db.session.add(row)
    _flush()
    audit.record(
        "membership.requested",
        actor=user,
        subject=user,
        centre=centre.slug,
        current_centre=centre_label(user.centre_id),
        source=str(source),
    )
    if domains.confirms(user, centre.id):
        _set_confirmed(user, row, actor=None, via="email_domain", reason=None)
        return Change(row, confirmed=True)
    return Change(row, confirmed=False)


def _close(row: CentreMembership, status, *, actor, via: str, reason: str | None) -> None:
    row.status = status
    row.decided_at = utcnow()
    row.decided_by_id = getattr(actor, "id", actor)
    row.decided_via = via
    row.reason = reason
    _flush()


def cancel(user: User) -> bool:
    """The person withdraws their open request; False when there is none."""
    row = open_request(user.id)
    if row is None:
        return False
    _close(row, MembershipStatus.cancelled, actor=user, via="person", reason=None)
    audit.record("membership.cancelled", actor=user, subject=user, centre=row.centre.slug)
    return True


def _request_for(actor: User, request_id: int) -> CentreMembership:
    row = db.session.get(CentreMembership, request_id)
    if row is None or row.status != REQUESTED:
        raise MembershipError("not_pending")
    if not may_decide(actor, row.user, row.centre_id):
        raise MembershipError("not_allowed")
    return row


def confirm(actor: User, request_id: int, *, reason: str | None = None) -> Change:
    """An admin confirms a request to their centre; a confirmed person elsewhere is moved
    (their old membership ends, "moved to" this centre). Raises MembershipError
    ``not_pending`` or ``not_allowed``, Conflict on a concurrent decision."""
    row = _request_for(actor, request_id)
    _set_confirmed(row.user, row, actor=actor, via="admin", reason=reason or None)
    return Change(row, confirmed=True)


def decline(actor: User, request_id: int, *, reason: str) -> Change:
    """An admin declines a request to their centre, with a reason the person is shown."""
    row = _request_for(actor, request_id)
    _close(row, MembershipStatus.declined, actor=actor, via="admin", reason=reason)
    audit.record(
        "membership.declined",
        actor=actor,
        subject=row.user_id,
        centre=row.centre.slug,
        reason=reason,
    )
    return Change(row, confirmed=False)


def place(
    user: User,
    centre: Centre | None,
    *,
    actor: User | None,
    reason: str | None,
    via: str = "admin",
    source: MembershipSource = MembershipSource.admin,
    move: bool = True,
) -> Change | None:
    """An admin (or a trusted rule: an identity provider, a command) puts the person at
    ``centre``, confirmed at once; ``centre=None`` ends their membership (removed from the
    centre). A request waiting for that centre is what gets confirmed; one for another
    centre is withdrawn. With ``move=False`` a person confirmed at another centre is not
    moved (MembershipError ``member_elsewhere``): imports never move people silently.
    ``actor`` must be allowed (:func:`may_decide`) unless None (a command or a rule).
    Returns None when nothing changed."""
    if actor is not None:
        for centre_id in {user.centre_id, getattr(centre, "id", None)} - {None}:
            if not may_decide(actor, user, centre_id):
                raise MembershipError("not_allowed")
    if centre is not None and user.centre_id == centre.id:
        return None
    if centre is None:
        if user.centre_id is None:
            return None
        _set_confirmed(user, None, actor=actor, via=via, reason=reason)
        return Change(current(user.id) or _last_ended(user.id), confirmed=False)
    if not move and user.centre_id is not None:
        raise MembershipError("member_elsewhere")
    waiting = open_request(user.id)
    if waiting is not None and waiting.centre_id != centre.id:
        _close(waiting, MembershipStatus.cancelled, actor=actor, via=via, reason=reason)
        waiting = None
    row = waiting
    if row is None:
        row = CentreMembership(
            user_id=user.id,
            centre_id=centre.id,
            status=REQUESTED,  # confirmed just below, in this transaction
            source=source,
            requested_at=utcnow(),
            requested_by_id=getattr(actor, "id", None),
        )
        db.session.add(row)
        _flush()
    _set_confirmed(user, row, actor=actor, via=via, reason=reason)
    return Change(row, confirmed=True)


def _last_ended(user_id: int) -> CentreMembership | None:
    return db.session.scalar(
        select(CentreMembership)
        .where(
            CentreMembership.user_id == user_id,
            CentreMembership.status == MembershipStatus.ended,
        )
        .order_by(CentreMembership.ended_at.desc(), CentreMembership.id.desc())
        .limit(1)
    )


def commit() -> None:
    """Commit the caller's transaction; a concurrent decision becomes :class:`Conflict`."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict from exc
