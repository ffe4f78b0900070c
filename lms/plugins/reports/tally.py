"""Counts kept current: the centre page reads a few thousand tallies, not a million rows.

A person's status in a course (:mod:`.query`) depends on the stored facts and on *today*:
a certificate expires when its date passes, an assignment becomes overdue. Counts kept per
status would be wrong the morning after. So each ``reports_status`` row is tallied by its
*kind* and the month of the one date its status turns on:

``expires`` / ``expires_newer``
    a certificate with an expiry date (``expires_newer``: a newer completion exists, so it
    can be "expiring" but never "expired"); month of ``expires_on``;
``due:<status>``
    nothing completed, an assignment due: ``overdue`` once ``due_on`` passes, else
    ``<status>`` (in_progress, enrolled, assigned, withdrawn); month of ``due_on``;
``completed``, ``in_progress``, ``enrolled``, ``assigned``, ``withdrawn``
    no date matters (month 0).

When a page asks on day T (Europe/Stockholm) with a warning of W days, every tally whose
month lies before T's month or after the month of T + W has one status, decided in SQL from
the month alone (:func:`status_of`). Only rows dated inside those (at most three) months
can change with the day; the page reads them from ``reports_status`` itself through the
indexes on ``expires_on`` and ``due_on`` (about 90 days' worth of dates) and applies the
exact rules. Nothing needs a nightly job: the date is compared when the page is read.

Kept in the same transaction as the records (:func:`.store.refresh`): the tallies of the
people a transaction touched are subtracted before their rows are recomputed and added
after, with an atomic ``n = n + delta`` upsert in a fixed key order (no lost update, no
deadlock on PostgreSQL). ``flask reports rebuild`` recomputes them; ``flask reports check``
compares them with a recount.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    delete,
    extract,
    false,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.plugins.reports.models import MonthTally, StatusTally
from lms.plugins.reports.query import Filter

TALLY = StatusTally.__table__
MONTHS = MonthTally.__table__
TALLY_KEY = ("centre_key", "course_id", "profession", "kind", "month")
MONTH_KEY = ("centre_key", "course_id", "profession", "month")
BASES = ("in_progress", "enrolled", "assigned", "withdrawn")


def month_index(day: date) -> int:
    """A date's month as one integer, ``year * 12 + month - 1`` (never 0 for real dates)."""
    return day.year * 12 + day.month - 1


def _month_of(column):
    return cast(extract("year", column) * 12 + extract("month", column) - 1, Integer)


def _kind_and_month(f):
    """(kind, month) of each row of a status table ``f`` (its columns)."""
    has_cert, dated = f.cert_id.isnot(None), f.expires_on.isnot(None)
    no_newer = or_(f.comp_at.is_(None), f.comp_at <= f.cert_completed_at)
    base = case(
        (and_(f.enrolled == 1, f.progress == 1), "in_progress"),
        (f.enrolled == 1, "enrolled"),
        (f.assign_id.isnot(None), "assigned"),
        else_="withdrawn",
    )
    done = or_(has_cert, f.comp_at.isnot(None))
    kind = case(
        (and_(has_cert, dated, no_newer), "expires"),
        (and_(has_cert, dated), "expires_newer"),
        (done, "completed"),
        (f.due_on.isnot(None), "due:" + base),
        else_=base,
    )
    month = case(
        (and_(has_cert, dated), _month_of(f.expires_on)),
        (and_(~done, f.due_on.isnot(None)), _month_of(f.due_on)),
        else_=0,
    )
    return kind, month


def tally_rows(status, user_ids=None):
    """The tallies of ``status`` (``reports_status``, or a reflection of it), optionally of
    some people only: columns :data:`TALLY_KEY` and ``n``. Rows the reports do not count
    (a deactivated person's unfinished courses) are left out, as :func:`.query.status_rows`
    leaves them out."""
    f = status.c
    kind, month = _kind_and_month(f)
    centre_key = func.coalesce(f.centre_id, 0)
    holds_record = or_(f.comp_at.isnot(None), f.revoked == 1)
    query = select(centre_key, f.course_id, f.profession, kind, month, func.count()).where(
        or_(f.active == true(), holds_record)
    )
    if user_ids is not None:
        query = query.where(f.user_id.in_(user_ids))
    return query.group_by(centre_key, f.course_id, f.profession, kind, month)


def month_rows(completions, user_ids=None):
    """The month tallies of ``completions`` (``reports_completion``): :data:`MONTH_KEY`, n."""
    c = completions.c
    centre_key, month = func.coalesce(c.centre_id, 0), _month_of(c.completed_at)
    query = select(centre_key, c.course_id, c.profession, month, func.count())
    if user_ids is not None:
        query = query.where(c.user_id.in_(user_ids))
    return query.group_by(centre_key, c.course_id, c.profession, month)


def snapshot(status, completions, user_ids) -> tuple[Counter, Counter]:
    """What these people contribute to both tallies now (key tuple -> count)."""
    counts = []
    for query in (tally_rows(status, user_ids), month_rows(completions, user_ids)):
        counts.append(Counter({tuple(r[:-1]): r[-1] for r in db.session.execute(query)}))
    return counts[0], counts[1]


def _upsert(table, keys: tuple[str, ...], delta: dict) -> None:
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    for key in sorted(delta):  # a fixed order: two writers never wait on each other in turn
        row = {**dict(zip(keys, key, strict=True)), "n": delta[key]}
        statement = module.insert(table).values(row)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=list(keys), set_={"n": table.c.n + statement.excluded.n}
            )
        )


def apply(before: tuple[Counter, Counter], after: tuple[Counter, Counter]) -> None:
    """Move the tallies from ``before`` to ``after`` (two :func:`snapshot` results)."""
    for table, keys, old, new in (
        (TALLY, TALLY_KEY, before[0], after[0]),
        (MONTHS, MONTH_KEY, before[1], after[1]),
    ):
        delta = {k: new[k] - old[k] for k in set(old) | set(new) if new[k] != old[k]}
        if delta:
            _upsert(table, keys, delta)


def rebuild(status, completions) -> None:
    """Recount both tallies from the status and completion tables (the caller commits)."""
    for table in (TALLY, MONTHS):
        db.session.execute(delete(table))
    db.session.execute(insert(TALLY).from_select([*TALLY_KEY, "n"], tally_rows(status)))
    db.session.execute(insert(MONTHS).from_select([*MONTH_KEY, "n"], month_rows(completions)))


def differences(status, completions) -> int:
    """Tallies that differ from a recount (zero tallies left behind are no difference)."""
    count = 0
    for table, keys, live in (
        (TALLY, TALLY_KEY, tally_rows(status)),
        (MONTHS, MONTH_KEY, month_rows(completions)),
    ):
        stored = {
            tuple(r[:-1]): r[-1]
            for r in db.session.execute(
                select(*(table.c[k] for k in keys), table.c.n).where(table.c.n != 0)
            )
        }
        fresh = {tuple(r[:-1]): r[-1] for r in db.session.execute(live)}
        count += sum(1 for k in set(stored) | set(fresh) if stored.get(k) != fresh.get(k))
    return count


def conditions(table, filt: Filter) -> list:
    """``filt`` on a tally table (centre, profession, courses)."""
    conditions = []
    if not filt.all_centres:
        centre = filt.centre_id
        conditions.append(table.c.centre_key == centre if centre is not None else false())
    if filt.profession is not None:
        conditions.append(table.c.profession == filt.profession)
    if filt.course_ids is not None:
        conditions.append(table.c.course_id.in_(filt.course_ids))
    if filt.user_ids is not None:
        conditions.append(false())  # tallies are not per person: callers read the rows
    return conditions


def window(today: date, warn_until: date) -> tuple[int, int, date, date]:
    """The months whose rows the date can still change: (first, last) month index and the
    first and last day they cover."""
    first, last = month_index(today), month_index(warn_until)
    start = today.replace(day=1)
    end = (warn_until.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last, start, end


def settled(filt: Filter, today: date, warn_until: date):
    """(centre_id, course_id, profession, status, count) of every tallied row outside the
    window, grouped; the rows inside it are the caller's to count exactly."""
    first, last, _start, _end = window(today, warn_until)
    t = TALLY.c
    status = case(
        (and_(t.kind == "expires", t.month < first), "expired"),
        (t.kind.in_(("expires", "expires_newer")), "completed"),
        *(
            (t.kind == f"due:{base}", case((t.month < first, "overdue"), else_=base))
            for base in BASES
        ),
        else_=t.kind,
    )
    outside = or_(t.month == 0, t.month < first, t.month > last)
    centre = case((t.centre_key == 0, None), else_=t.centre_key)
    return (
        select(centre, t.course_id, t.profession, status, func.sum(t.n))
        .where(outside, t.n != 0, *conditions(TALLY, filt))
        .group_by(centre, t.course_id, t.profession, status)
    )


def in_window(f, today: date, warn_until: date):
    """The condition on ``reports_status`` rows that :func:`settled` leaves out."""
    _first, _last, start, end = window(today, warn_until)
    return or_(
        and_(f.cert_id.isnot(None), f.expires_on.between(start, end)),
        and_(
            f.cert_id.is_(None),
            f.comp_at.is_(None),
            f.due_on.between(start, end),
        ),
    )
