"""What a centre's admins are told each week, and see on /centre/: counts per centre.

Two grouped queries (assignments, certificates) for every centre at once (set-based):
overdue assignments, assignments due within 14 days, certificates expiring within 30 days,
and people new at the centre (assigned by a requirement in the last 7 days) whose training
is still open (an assignment that valid training done elsewhere satisfies is not open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select

from lms.extensions import db
from lms.models import User
from lms.plugins.compliance import records, tally

DUE_SOON_DAYS = 14
EXPIRING_DAYS = 30
NEW_DAYS = 7


@dataclass
class Counts:
    overdue: int = 0
    due_soon: int = 0
    expiring: int = 0
    new_without: int = 0

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.expiring or self.new_without)


def counts(today: date, centre_ids: list[int] | None = None) -> dict[int, Counts]:
    """Centre id -> :class:`Counts` on ``today`` (Europe/Stockholm); centres with nothing
    to say are left out. ``centre_ids`` limits the centres (None: all)."""
    a, cert = records.assignments(), records.certificates()
    found: dict[int, Counts] = {}
    if a is None:
        return found
    users = User.__table__

    def scoped(query):
        query = query.where(users.c.active.is_(True), users.c.centre_id.is_not(None))
        if centre_ids is not None:
            query = query.where(users.c.centre_id.in_(centre_ids))
        return query.group_by(users.c.centre_id)

    soon = today + timedelta(days=DUE_SOON_DAYS)
    since = datetime.combine(today - timedelta(days=NEW_DAYS), time())
    new = and_(a.c.requirement_id.is_not(None), a.c.created_at >= since)
    assignments = (
        select(
            users.c.centre_id,
            func.count(case((a.c.due_on < today, a.c.id))),
            func.count(case((and_(a.c.due_on >= today, a.c.due_on <= soon), a.c.id))),
            func.count(func.distinct(case((new, a.c.user_id)))),
        )
        .join(users, users.c.id == a.c.user_id)
        .where(
            records.open_assignment_condition(a),
            ~records.held_externally(a.c.user_id, a.c.course_id, today),
        )
    )
    for centre_id, overdue, due_soon, new_without in db.session.execute(scoped(assignments)):
        found[centre_id] = Counts(overdue, due_soon, 0, new_without)
    if cert is not None:
        # The newest valid certificate of a person and course, found from the expiry date's
        # index (a month of dates), not by grouping every certificate there is.
        expiring = (
            select(users.c.centre_id, func.count(cert.c.id))
            .join(users, users.c.id == cert.c.user_id)
            .where(
                tally.newest_valid(cert),
                cert.c.expires_on >= today,
                cert.c.expires_on <= today + timedelta(days=EXPIRING_DAYS),
            )
        )
        for centre_id, n in db.session.execute(scoped(expiring)):
            found.setdefault(centre_id, Counts()).expiring = n
    return {k: v for k, v in found.items() if not v.empty}


def kept_counts(today: date, centre_ids: list[int] | None = None) -> dict[int, Counts]:
    """The same as :func:`counts`, read from the counts kept current (:mod:`.tally`):
    overdue, due soon and expiring from a centre's dated tallies (bounded by days, not by
    people), the new people from the facts of the last ``NEW_DAYS`` days' assignments made
    by a requirement (an index on kind, centre and day). Two statements whatever the size
    of the centre."""
    a = records.assignments()
    found: dict[int, Counts] = {}
    if a is None:
        return found
    soon = today + timedelta(days=DUE_SOON_DAYS)
    expiring_until = today + timedelta(days=EXPIRING_DAYS)
    for centre_id, overdue, due_soon, expiring in db.session.execute(
        tally.digest(today, soon, expiring_until, centre_ids)
    ):
        found[centre_id] = Counts(int(overdue or 0), int(due_soon or 0), int(expiring or 0))
    # created_at >= midnight of that day (naive UTC) <=> the UTC day of created_at >= it
    new = tally.new_people(today - timedelta(days=NEW_DAYS), today, centre_ids)
    for centre_id, n in db.session.execute(new):
        found.setdefault(centre_id, Counts()).new_without = n
    return {k: v for k, v in found.items() if not v.empty}
