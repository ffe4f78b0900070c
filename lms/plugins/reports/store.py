"""Keeping ``reports_status`` and ``reports_completion`` equal to what the records say.

The core tells, just before a transaction commits, whose records it changed
(``records_changed``); :func:`on_records_changed` recomputes those people's rows with
:func:`.query.fact_rows` in that same transaction, so the records and the figures commit
together or not at all. On PostgreSQL two transactions touching the same person take turns
(a transaction-scoped advisory lock per person, in id order): the second recomputes after
the first has committed, so neither overwrites the other's facts with a stale view.
"""

from __future__ import annotations

from sqlalchemy import String, cast, delete, except_, exists, func, insert, select

from lms import events
from lms.extensions import db
from lms.locks import lock_people
from lms.models import User
from lms.plugins.reports import tally
from lms.plugins.reports.models import Untrained
from lms.plugins.reports.query import (
    CERTIFICATE_TABLE,
    COMPLETION_COLUMNS,
    ENROLMENT_TABLES,
    FACT_COLUMNS,
    Filter,
    Tables,
    counted_completions,
    fact_rows,
)
from lms.plugins.reports.services import COMPLETIONS, STATUS, tables

WATCHED = frozenset((*ENROLMENT_TABLES, CERTIFICATE_TABLE, "user_account"))
UNTRAINED = Untrained.__table__
UNTRAINED_COLUMNS = ("user_id", "centre_id", "profession")
CHUNK = 500
LOCK_NAMESPACE = 7240  # arbitrary: the first key of pg_advisory_xact_lock(int, int)


def _fill(t: Tables, filt: Filter) -> None:
    db.session.execute(insert(STATUS).from_select(FACT_COLUMNS, fact_rows(t, filt)))
    counted = counted_completions(t, filt)
    db.session.execute(insert(COMPLETIONS).from_select(COMPLETION_COLUMNS, counted))


def untrained_rows(user_ids=None):
    """Active people at a centre without any status row (:data:`UNTRAINED_COLUMNS`); run
    after the status rows are current."""
    users = User.__table__
    query = select(users.c.id, users.c.centre_id, cast(users.c.profession, String)).where(
        users.c.active.is_(True),
        users.c.centre_id.isnot(None),
        ~exists().where(STATUS.c.user_id == users.c.id),
    )
    if user_ids is not None:
        query = query.where(users.c.id.in_(user_ids))
    return query


def refresh(t: Tables, user_ids) -> None:
    """Recompute these people's rows (every course) from the records."""
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        lock_people(LOCK_NAMESPACE, chunk)
        before = tally.snapshot(STATUS, COMPLETIONS, chunk)
        for table in (STATUS, COMPLETIONS):
            db.session.execute(delete(table).where(table.c.user_id.in_(chunk)))
        _fill(t, Filter(all_centres=True, user_ids=tuple(chunk)))
        tally.apply(before, tally.snapshot(STATUS, COMPLETIONS, chunk))
        db.session.execute(delete(UNTRAINED).where(UNTRAINED.c.user_id.in_(chunk)))
        db.session.execute(insert(UNTRAINED).from_select(UNTRAINED_COLUMNS, untrained_rows(chunk)))


def rebuild(t: Tables) -> int:
    """Recompute every row (after a bulk load, or with the reports plugin switched back on);
    returns the number of status rows. The tallies (:mod:`.tally`) are recounted from
    them. The caller commits."""
    for table in (STATUS, COMPLETIONS, UNTRAINED):
        db.session.execute(delete(table))
    _fill(t, Filter(all_centres=True))
    tally.rebuild(STATUS, COMPLETIONS)
    db.session.execute(insert(UNTRAINED).from_select(UNTRAINED_COLUMNS, untrained_rows()))
    return db.session.scalar(select(func.count()).select_from(STATUS)) or 0


def differences(t: Tables) -> int:
    """Rows that differ between the tables and the records, both ways, plus tallies that
    differ from a recount of the status table (0: in step)."""
    return fact_differences(t) + tally.differences(STATUS, COMPLETIONS)


def fact_differences(t: Tables) -> int:
    """Rows that differ between the status, completion and untrained tables and the
    records."""
    everyone = Filter(all_centres=True)
    pairs = (
        (select(*(STATUS.c[n] for n in FACT_COLUMNS)), fact_rows(t, everyone)),
        (
            select(*(COMPLETIONS.c[n] for n in COMPLETION_COLUMNS)),
            counted_completions(t, everyone),
        ),
        (select(*(UNTRAINED.c[n] for n in UNTRAINED_COLUMNS)), untrained_rows()),
    )
    count = 0
    for stored, live in pairs:
        for query in (except_(live, stored), except_(stored, live)):
            count += db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return count


def on_records_changed(sender, payload: events.RecordsChanged) -> None:
    user_ids = payload.users_in(WATCHED)
    t = tables() if user_ids else None
    if t is not None:
        refresh(t, user_ids)
