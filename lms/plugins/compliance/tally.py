"""Counts kept current: the digest panel and the matrix's column counts read a centre's
tallies, not its every person (issue 18, 1,000,000 enrolments).

What the counts depend on is split in two. The records give, per active person at a
centre, a few *facts* (:class:`.models.ComplianceFact`, :func:`fact_rows`):

``people``
    the person (profession, unit), course 0: who a requirement can apply to;
``held``
    per course held (the newest valid certificate, valid training done elsewhere that
    counts as the course, a counting completion when the certificates plugin is off):
    held until ``on_date`` (:data:`FOREVER`: no expiry), the later of them;
``open``
    per open assignment with a due date (:func:`.records.open_assignment_condition`): due
    on ``on_date``; ``until_date``: outside training satisfies it until then
    (:data:`NEVER`: none);
``cert``
    per newest valid certificate with an expiry date: ``on_date`` = ``expires_on``;
``new``
    per open assignment made by a requirement: ``on_date`` = the (UTC) day it was made,
    ``until_date`` as for ``open``. Not tallied (the digest counts *people*, distinct):
    read through the index on (kind, centre, day), a week's worth of rows.

Those facts do not depend on the date, so they are tallied by their key, dates included
(:class:`.models.ComplianceTally`). Today (Europe/Stockholm) enters only when a page reads:
overdue = open rows with ``on_date < today <= ...`` and ``until_date < today``; a course is
held on ``today`` when ``on_date >= today``. A page sums the rows of one centre on one side
of a date: bounded by the number of distinct dates (days), not by the number of people, and
never stale the morning after (nothing is written when the day turns).

Kept like the reports plugin's tallies (lms/plugins/reports/tally.py, not imported): the
core's ``records_changed`` names the people a transaction changed, just before it commits;
:func:`refresh` takes their tallies before, recomputes their facts, takes them after and adds
the difference (``n = n + delta``, keys in a fixed order) in that same transaction.
``flask lms rebuild-compliance`` recomputes everything, ``flask lms check-compliance``
compares with a recount.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import (
    Date,
    String,
    and_,
    case,
    cast,
    delete,
    except_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from lms import events
from lms.extensions import db
from lms.locks import lock_people
from lms.models import User
from lms.plugins.compliance import records
from lms.plugins.compliance.models import ComplianceFact, ComplianceTally

FACTS = ComplianceFact.__table__
TALLY = ComplianceTally.__table__
FACT_COLUMNS = ("user_id", "kind", "course_id", "centre_id", "profession", "unit")
FACT_COLUMNS += ("on_date", "until_date")
KEY = ("kind", "centre_id", "profession", "unit", "course_id", "on_date", "until_date")
NEVER = date(1, 1, 1)  # before every today: "not held", "no outside training"
FOREVER = date(9999, 12, 31)  # after every today: "no expiry"
WATCHED = frozenset(
    (
        "user_account",
        "enrolment_assignment",
        "enrolment_completion",
        "enrolment_cycle",
        "certificates_certificate",
        "records_external_training",
    )
)
CHUNK = 500
LOCK_NAMESPACE = 7241  # the reports plugin uses 7240


def _day(value: date):
    # Not CAST(... AS DATE): SQLite would turn the text into a number.
    return literal(value, Date)


def _branch(users, kind: str, course, on, until, *where, source=None):
    columns = [
        users.c.id.label("user_id"),
        literal(kind, String).label("kind"),
        course.label("course_id"),
        users.c.centre_id.label("centre_id"),
        cast(users.c.profession, String).label("profession"),
        func.coalesce(users.c.unit, "").label("unit"),
        on.label("on_date"),
        until.label("until_date"),
    ]
    query = select(*columns)
    if source is not None:
        query = query.select_from(source)
    return query.where(users.c.active.is_(True), users.c.centre_id.is_not(None), *where)


def newest_valid(cert):
    """Condition on ``cert``: not revoked, and no newer not revoked one of the course."""
    newer = cert.alias("newer")
    return and_(
        cert.c.revoked_at.is_(None),
        ~exists().where(
            newer.c.user_id == cert.c.user_id,
            newer.c.course_id == cert.c.course_id,
            newer.c.revoked_at.is_(None),
            newer.c.id > cert.c.id,
        ),
    )


def _held(users, user_ids):
    """(user_id, course_id, until) per source of holding a course, before the maximum."""
    cert, ext, comp = records.certificates(), records.external(), records.completions()
    sources = []
    if cert is not None:
        q = select(
            cert.c.user_id, cert.c.course_id, func.coalesce(cert.c.expires_on, _day(FOREVER))
        )
        sources.append((q.where(newest_valid(cert)), cert))
    elif comp is not None:  # without certificates a counting completion holds (matrix rule)
        q = select(comp.c.user_id, comp.c.course_id, _day(FOREVER))
        sources.append((q.where(records.counting_completion(comp)), comp))
    if ext is not None:
        q = select(ext.c.user_id, ext.c.course_id, func.coalesce(ext.c.valid_until, _day(FOREVER)))
        sources.append((q.where(ext.c.course_id.is_not(None)), ext))
    if not sources:
        return None
    parts = []
    for query, table in sources:
        if user_ids is not None:
            query = query.where(table.c.user_id.in_(user_ids))
        parts.append(query)
    held = union_all(*parts).subquery("held_sources")
    u, c, until = held.c
    grouped = (
        select(u.label("user_id"), c.label("course_id"), func.max(until).label("until"))
        .group_by(u, c)
        .subquery("held")
    )
    return _branch(
        users,
        "held",
        grouped.c.course_id,
        grouped.c.until,
        _day(NEVER),
        users.c.id == grouped.c.user_id,
        source=grouped.join(users, users.c.id == grouped.c.user_id),
    )


def _date_of(moment):
    """The day of a stored (naive UTC) moment, as a date both databases compare."""
    if db.engine.dialect.name == "sqlite":
        return func.date(moment, type_=Date)
    return cast(moment, Date)


def fact_rows(user_ids=None):
    """Every fact of the active people at a centre (columns :data:`FACT_COLUMNS`), of
    ``user_ids`` only when given; None when the enrolment plugin is off."""
    a, cert, ext = records.assignments(), records.certificates(), records.external()
    if a is None:
        return None
    users = User.__table__
    mine = [] if user_ids is None else [users.c.id.in_(user_ids)]
    zero = literal(0)
    branches = [_branch(users, "people", zero, _day(NEVER), _day(NEVER), *mine)]
    held = _held(users, user_ids)
    if held is not None:
        branches.append(held)
    if ext is not None:
        outside = (
            select(func.max(func.coalesce(ext.c.valid_until, _day(FOREVER))))
            .where(ext.c.user_id == a.c.user_id, ext.c.course_id == a.c.course_id)
            .scalar_subquery()
        )
        until = func.coalesce(outside, _day(NEVER))
    else:
        until = _day(NEVER)
    open_ = _branch(
        users,
        "open",
        a.c.course_id,
        a.c.due_on,
        until,
        users.c.id == a.c.user_id,
        a.c.due_on.is_not(None),
        records.open_assignment_condition(a),
        *mine,
    )
    branches.append(open_)
    branches.append(
        _branch(
            users,
            "new",
            a.c.course_id,
            _date_of(a.c.created_at),
            until,
            users.c.id == a.c.user_id,
            a.c.requirement_id.is_not(None),
            records.open_assignment_condition(a),
            *mine,
        )
    )
    if cert is not None:
        branches.append(
            _branch(
                users,
                "cert",
                cert.c.course_id,
                cert.c.expires_on,
                _day(NEVER),
                users.c.id == cert.c.user_id,
                cert.c.expires_on.is_not(None),
                newest_valid(cert),
                *mine,
            )
        )
    return union_all(*branches)


def tally_rows(facts, user_ids=None):
    """The tallies of ``facts`` (:data:`KEY` and ``n``); the digest's kinds count per
    centre and date only (profession, unit and course left out of their key)."""
    f = facts.c
    per_person = f.kind.in_(("people", "held"))
    profession = case((per_person, f.profession), else_="")
    unit = case((per_person, f.unit), else_="")
    course = case((f.kind == "held", f.course_id), else_=0)
    keys = (f.kind, f.centre_id, profession, unit, course, f.on_date, f.until_date)
    query = select(*keys, func.count()).where(f.kind != "new")
    if user_ids is not None:
        query = query.where(f.user_id.in_(user_ids))
    return query.group_by(*keys)


def _snapshot(user_ids) -> Counter:
    return Counter({tuple(r[:-1]): r[-1] for r in db.session.execute(tally_rows(FACTS, user_ids))})


def _apply(before: Counter, after: Counter) -> None:
    delta = {k: after[k] - before[k] for k in set(before) | set(after) if after[k] != before[k]}
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    for key in sorted(delta):  # a fixed order: two writers never wait on each other in turn
        statement = module.insert(TALLY).values(
            {**dict(zip(KEY, key, strict=True)), "n": delta[key]}
        )
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=list(KEY), set_={"n": TALLY.c.n + statement.excluded.n}
            )
        )


def refresh(user_ids) -> None:
    """Recompute these people's facts and move the tallies by the difference (the caller's
    transaction; nothing when the enrolment plugin is off)."""
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = fact_rows(chunk)
        if rows is None:
            return
        lock_people(LOCK_NAMESPACE, chunk)
        before = _snapshot(chunk)
        db.session.execute(delete(FACTS).where(FACTS.c.user_id.in_(chunk)))
        db.session.execute(insert(FACTS).from_select(FACT_COLUMNS, rows))
        _apply(before, _snapshot(chunk))


def rebuild(conn=None) -> int:
    """Recompute every fact and tally from the records; returns the number of facts. The
    caller commits. ``conn``: where to run (a migration's connection), else the session."""
    run = conn if conn is not None else db.session
    for table in (TALLY, FACTS):
        run.execute(delete(table))
    rows = fact_rows()
    if rows is None:
        return 0
    run.execute(insert(FACTS).from_select(FACT_COLUMNS, rows))
    run.execute(insert(TALLY).from_select([*KEY, "n"], tally_rows(FACTS)))
    return run.execute(select(func.count()).select_from(FACTS)).scalar() or 0


def differences() -> int:
    """Facts that differ from the records (both ways) plus tallies that differ from a
    recount of the facts (0: in step; zero tallies left behind are no difference)."""
    rows = fact_rows()
    if rows is None:
        return 0
    stored = select(*(FACTS.c[n] for n in FACT_COLUMNS))
    live = select(*rows.subquery("live").c)
    count = 0
    for query in (except_(live, stored), except_(stored, live)):
        count += db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    kept = {
        tuple(r[:-1]): r[-1]
        for r in db.session.execute(
            select(*(TALLY.c[k] for k in KEY), TALLY.c.n).where(TALLY.c.n != 0)
        )
    }
    fresh = {tuple(r[:-1]): r[-1] for r in db.session.execute(tally_rows(FACTS))}
    return count + sum(1 for k in set(kept) | set(fresh) if kept.get(k) != fresh.get(k))


def on_records_changed(sender, payload: events.RecordsChanged) -> None:
    user_ids = payload.users_in(WATCHED)
    if user_ids:
        refresh(user_ids)


def digest(today: date, soon: date, expiring_until: date, centre_ids=None):
    """(centre_id, overdue, due soon, expiring) from the tallies: open assignments due
    before ``today`` / from ``today`` to ``soon`` that outside training does not satisfy on
    ``today``, newest valid certificates expiring from ``today`` to ``expiring_until``
    (Europe/Stockholm dates, inclusive). Reads a centre's dated rows, not its people."""
    t = TALLY.c
    is_open = and_(t.kind == "open", t.until_date < today)
    query = select(
        t.centre_id,
        func.sum(case((and_(is_open, t.on_date < today), t.n), else_=0)),
        func.sum(case((and_(is_open, t.on_date >= today), t.n), else_=0)),
        func.sum(case((t.kind == "cert", t.n), else_=0)),
    ).where(
        or_(
            and_(t.kind == "open", t.on_date <= soon),
            and_(t.kind == "cert", t.on_date.between(today, expiring_until)),
        )
    )
    if centre_ids is not None:
        query = query.where(t.centre_id.in_(centre_ids))
    return query.group_by(t.centre_id)


def new_people(since: date, today: date, centre_ids=None):
    """(centre_id, people): people with an open assignment made by a requirement on or
    after ``since`` (a UTC day) that outside training does not satisfy on ``today``."""
    f = FACTS.c
    query = select(f.centre_id, func.count(func.distinct(f.user_id))).where(
        f.kind == "new", f.on_date >= since, f.until_date < today
    )
    if centre_ids is not None:
        query = query.where(f.centre_id.in_(centre_ids))
    return query.group_by(f.centre_id)


def people_groups(centre_id: int, profession: str | None, unit: str | None):
    """(profession, unit, n): the centre's active people by profession and unit, narrowed
    like the matrix's people (``unit`` compared lower-cased by the database, as there)."""
    t = TALLY.c
    query = select(t.profession, t.unit, func.sum(t.n)).where(
        t.kind == "people", t.centre_id == centre_id, *_narrowed(profession, unit)
    )
    return query.group_by(t.profession, t.unit)


def held_groups(centre_id: int, course_ids, today: date, profession, unit):
    """(profession, unit, course_id, n): people at the centre holding each course on
    ``today`` (Europe/Stockholm), narrowed like :func:`people_groups`."""
    t = TALLY.c
    query = select(t.profession, t.unit, t.course_id, func.sum(t.n)).where(
        t.kind == "held",
        t.centre_id == centre_id,
        t.course_id.in_(list(course_ids)),
        t.on_date >= today,
        *_narrowed(profession, unit),
    )
    return query.group_by(t.profession, t.unit, t.course_id)


def _narrowed(profession, unit) -> list:
    t = TALLY.c
    conditions = []
    if profession:
        conditions.append(t.profession == profession)
    if unit:
        conditions.append(func.lower(t.unit) == unit.lower())
    return conditions
