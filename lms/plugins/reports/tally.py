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
from lms.plugins.reports.models import DayTally, MonthTally, StatusTally
from lms.plugins.reports.query import Filter

TALLY = StatusTally.__table__
MONTHS = MonthTally.__table__
DAYS = DayTally.__table__
TALLY_KEY = ("centre_key", "course_id", "profession", "kind", "month")
MONTH_KEY = ("centre_key", "course_id", "profession", "month")
DAY_KEY = ("centre_key", "course_id", "profession", "kind", "day")
EXPIRES = ("expires", "expires_newer")
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
    day = case(
        (and_(has_cert, dated), f.expires_on),
        (and_(~done, f.due_on.isnot(None)), f.due_on),
    )
    return kind, month, day


def tally_rows(status, user_ids=None):
    """The tallies of ``status`` (``reports_status``, or a reflection of it), optionally of
    some people only: columns :data:`TALLY_KEY` and ``n``. Rows the reports do not count
    (a deactivated person's unfinished courses) are left out, as :func:`.query.status_rows`
    leaves them out."""
    f = status.c
    kind, month, _day = _kind_and_month(f)
    centre_key = func.coalesce(f.centre_id, 0)
    query = select(centre_key, f.course_id, f.profession, kind, month, func.count())
    query = query.where(_counted(f))
    if user_ids is not None:
        query = query.where(f.user_id.in_(user_ids))
    return query.group_by(centre_key, f.course_id, f.profession, kind, month)


def _counted(f):
    holds_record = or_(f.comp_at.isnot(None), f.revoked == 1)
    return or_(f.active == true(), holds_record)


def day_rows(status, user_ids=None):
    """The day tallies of ``status``: the dated rows only, :data:`DAY_KEY` and ``n``."""
    f = status.c
    kind, _month, day = _kind_and_month(f)
    centre_key = func.coalesce(f.centre_id, 0)
    query = select(centre_key, f.course_id, f.profession, kind, day, func.count())
    query = query.where(_counted(f), day.isnot(None))
    if user_ids is not None:
        query = query.where(f.user_id.in_(user_ids))
    return query.group_by(centre_key, f.course_id, f.profession, kind, day)


def month_rows(completions, user_ids=None):
    """The month tallies of ``completions`` (``reports_completion``): :data:`MONTH_KEY`, n."""
    c = completions.c
    centre_key, month = func.coalesce(c.centre_id, 0), _month_of(c.completed_at)
    query = select(centre_key, c.course_id, c.profession, month, func.count())
    if user_ids is not None:
        query = query.where(c.user_id.in_(user_ids))
    return query.group_by(centre_key, c.course_id, c.profession, month)


def snapshot(status, completions, user_ids) -> tuple[Counter, Counter, Counter]:
    """What these people contribute to the three tallies now (key tuple -> count)."""
    counts = []
    for query in (
        tally_rows(status, user_ids),
        month_rows(completions, user_ids),
        day_rows(status, user_ids),
    ):
        counts.append(Counter({tuple(r[:-1]): r[-1] for r in db.session.execute(query)}))
    return counts[0], counts[1], counts[2]


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


def apply(before: tuple, after: tuple) -> None:
    """Move the tallies from ``before`` to ``after`` (two :func:`snapshot` results)."""
    for table, keys, old, new in (
        (TALLY, TALLY_KEY, before[0], after[0]),
        (MONTHS, MONTH_KEY, before[1], after[1]),
        (DAYS, DAY_KEY, before[2], after[2]),
    ):
        delta = {k: new[k] - old[k] for k in set(old) | set(new) if new[k] != old[k]}
        if delta:
            _upsert(table, keys, delta)


def rebuild(status, completions) -> None:
    """Recount both tallies from the status and completion tables (the caller commits)."""
    for table in (TALLY, MONTHS, DAYS):
        db.session.execute(delete(table))
    db.session.execute(insert(TALLY).from_select([*TALLY_KEY, "n"], tally_rows(status)))
    db.session.execute(insert(MONTHS).from_select([*MONTH_KEY, "n"], month_rows(completions)))
    db.session.execute(insert(DAYS).from_select([*DAY_KEY, "n"], day_rows(status)))


def differences(status, completions) -> int:
    """Tallies that differ from a recount (zero tallies left behind are no difference)."""
    count = 0
    for table, keys, live in (
        (TALLY, TALLY_KEY, tally_rows(status)),
        (MONTHS, MONTH_KEY, month_rows(completions)),
        (DAYS, DAY_KEY, day_rows(status)),
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


def window(today: date, warn_until: date) -> tuple[int, int, tuple, tuple]:
    """The months where the day decides a status: (first, last) month index, and the first
    and last day of each of those two months (the month of ``today``, the month of
    ``warn_until``; the months between are decided by the month alone)."""
    first, last = month_index(today), month_index(warn_until)

    def days(day: date) -> tuple[date, date]:
        start = day.replace(day=1)
        return start, (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)

    return first, last, days(today), days(warn_until)


def settled(filt: Filter, today: date, warn_until: date):
    """(centre_id, course_id, profession, status, count) of every tallied row whose month
    decides its status (grouped): undated rows, and dated rows outside the month of
    ``today`` and (for expiry dates) the month of ``warn_until``, which :func:`boundary`
    counts by day. Between those two months an expiry is "expiring", a due date to come."""
    first, last, _start, _end = window(today, warn_until)
    t = TALLY.c
    status = case(
        (and_(t.kind == "expires", t.month < first), "expired"),
        (and_(t.kind.in_(EXPIRES), t.month > first, t.month < last), "expiring"),
        (t.kind.in_(EXPIRES), "completed"),
        *(
            (t.kind == f"due:{base}", case((t.month < first, "overdue"), else_=base))
            for base in BASES
        ),
        else_=t.kind,
    )
    outside = or_(
        t.month == 0,
        and_(t.kind.in_(EXPIRES), t.month != first, t.month != last),
        and_(t.kind.notin_(EXPIRES), t.month != first),
    )
    centre = case((t.centre_key == 0, None), else_=t.centre_key)
    return (
        select(centre, t.course_id, t.profession, status, func.sum(t.n))
        .where(outside, t.n != 0, *conditions(TALLY, filt))
        .group_by(centre, t.course_id, t.profession, status)
    )


def boundary(filt: Filter, today: date, warn_until: date):
    """The same columns as :func:`settled` for the rows it leaves out, from the day
    tallies of at most two months (about 60 days' rows per centre, course, profession
    and kind, whatever the number of people), with the exact rules of
    :func:`.query.status_rows`: an expiry before ``today`` expired (unless a newer
    completion), up to ``warn_until`` expiring, later completed; a due date before
    ``today`` overdue."""
    _first, _last, (start, first_end), (last_start, end) = window(today, warn_until)
    d = DAYS.c
    status = case(
        (and_(d.kind == "expires", d.day < today), "expired"),
        (and_(d.kind.in_(EXPIRES), d.day >= today, d.day <= warn_until), "expiring"),
        (d.kind.in_(EXPIRES), "completed"),
        *(
            (d.kind == f"due:{base}", case((d.day < today, "overdue"), else_=base))
            for base in BASES
        ),
        else_=d.kind,
    )
    days = or_(
        d.day.between(start, first_end),
        and_(d.kind.in_(EXPIRES), d.day.between(last_start, end)),
    )
    centre = case((d.centre_key == 0, None), else_=d.centre_key)
    return (
        select(centre, d.course_id, d.profession, status, func.sum(d.n))
        .where(days, d.n != 0, *conditions(DAYS, filt))
        .group_by(centre, d.course_id, d.profession, status)
    )
