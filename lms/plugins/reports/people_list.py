"""The people list and the exports: one row per person and course, paged or streamed.

Both run the status statement of :mod:`.query` over the reports' status table with the
person's details, and for one centre also the people who left it (:mod:`.former`, status
``left``: "moved to X on date"); paging and the total happen in SQL (a window count), and an
export fetches its rows in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from lms.clock import local_zone
from lms.content.models import CourseVersion
from lms.extensions import db, unicode_lower
from lms.models import User
from lms.params import contains_pattern
from lms.plugins.reports import services
from lms.plugins.reports.former import LEFT, extra_columns, former_rows
from lms.plugins.reports.models import Untrained
from lms.plugins.reports.query import STATUSES, Filter, Tables, status_rows
from lms.plugins.reports.services import STATUS, today, warning_days

UNTRAINED = Untrained.__table__

PAGE_SIZE = 50


@dataclass(frozen=True)
class PersonRow:
    name: str
    email: str
    profession: str
    centre_id: int | None
    course_id: int | None  # None: status no_record (no training record yet)
    status: str
    active: bool
    revoked: bool
    enrolled_on: date | None
    due_on: date | None
    completed_on: date | None
    cert_code: str | None
    expires_on: date | None
    left_on: date | None = None  # status "left": the day the person left this centre
    moved_to_id: int | None = None  # ... and where to (None: removed, no new centre)
    version: str | None = None  # the course version the person is enrolled on


UTC = ZoneInfo("UTC")


def _as_date(value, zone: ZoneInfo) -> date | None:
    """A stored UTC moment as the date it was where the centres are."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).astimezone(zone).date()
    return value


def _person(row, zone: ZoneInfo) -> PersonRow:
    left_at = row.left_at
    completed_at, cert_code, expires_on = row.comp_at, row.cert_code, row.expires_on
    enrolled_at, due_on = row.enrolled_at, row.due_on
    if left_at is not None:  # the old centre sees what happened while the person was there
        if completed_at is not None and completed_at > left_at:
            completed_at, cert_code, expires_on = None, None, None
        if enrolled_at is not None and enrolled_at > left_at:
            enrolled_at = None
        if due_on is not None and due_on > _as_date(left_at, zone):
            due_on = None
    return PersonRow(
        name=row.name,
        email=row.email,
        profession=getattr(row.profession, "value", row.profession),
        centre_id=row.centre_id,
        course_id=row.course_id,
        status=row.status,
        active=bool(row.active),
        revoked=bool(row.revoked),
        enrolled_on=_as_date(enrolled_at, zone),
        due_on=due_on,
        completed_on=_as_date(completed_at, zone),
        cert_code=cert_code,
        expires_on=_as_date(expires_on, zone),
        left_on=_as_date(left_at, zone),
        moved_to_id=row.moved_to_id,
        version=getattr(row, "course_version", None),
    )


NO_RECORD = "no_record"


def _without_records(filt: Filter):
    """People of ``filt``'s one centre (active, matching its profession) with no row in the
    status table: no enrolment, assignment or completion yet, as the reports keep them
    (:class:`.models.Untrained`, an index on the centre: not the centre's every person).
    Same columns as the status rows (``course_id`` NULL, status ``no_record``)."""
    users, u = User.__table__, UNTRAINED
    conditions = [u.c.centre_id == filt.centre_id]
    if filt.profession is not None:
        conditions.append(u.c.profession == filt.profession)
    return (
        select(
            users.c.id.label("user_id"),
            cast(null(), Integer).label("course_id"),
            cast(users.c.profession, String).label("profession"),
            users.c.centre_id.label("centre_id"),
            literal(NO_RECORD).label("status"),
            users.c.name,
            users.c.email,
            users.c.active,
            cast(null(), DateTime).label("enrolled_at"),
            cast(null(), DateTime).label("comp_at"),
            cast(null(), Integer).label("revoked"),
            cast(null(), Date).label("due_on"),
            cast(null(), String).label("cert_code"),
            cast(null(), Date).label("expires_on"),
            *extra_columns(),
        )
        .select_from(u.join(users, users.c.id == u.c.user_id))
        .where(*conditions)
    )


def _branches(filt: Filter, status: str | None, everyone: bool) -> list:
    """The row sources of the list: the current rows, the people who left (one centre), the
    people without any training record (one centre, ``everyone``); each a select with the
    same columns, already narrowed to ``status``."""
    on = today()
    warn_until = on + timedelta(days=warning_days())
    current = status_rows(STATUS, filt, today=on, warn_until=warn_until, detail=True)
    current = current.add_columns(*extra_columns())
    if not filt.all_centres and filt.centre_id is not None:
        # The same people as the copied centre, said on the person's own row too: the
        # database can then walk the centre's people in name order (an index) and stop
        # after a page, instead of sorting every row of the centre.
        current = current.where(User.__table__.c.centre_id == filt.centre_id)
    former = former_rows(STATUS, filt)
    untrained = (
        everyone
        and not filt.all_centres
        and filt.centre_id is not None
        and filt.course_ids is None
        and filt.user_ids is None
        and status in (None, NO_RECORD)
    )
    if status == LEFT:
        return [former] if former is not None else []
    if status == NO_RECORD:
        return [_without_records(filt)] if untrained else []
    if status in STATUSES:
        rows = current.selected_columns.status
        return [current.where(rows == status)]
    branches = [current] if former is None else [current, former]
    if untrained:
        branches.append(_without_records(filt))
    return branches


def _with_version(sub, t: Tables, term: str):
    """Rows (a subquery) with the version of the person's enrolment in the course (the text
    they work or worked on) and the name search applied."""
    e, v = t.enrolment, CourseVersion.__table__
    joined = sub.outerjoin(
        e, and_(e.c.user_id == sub.c.user_id, e.c.course_id == sub.c.course_id)
    ).outerjoin(v, v.c.id == e.c.version_id)
    query = select(sub, v.c.version.label("course_version")).select_from(joined)
    if term.strip():
        pattern = contains_pattern(term.strip().lower())
        query = query.where(
            or_(
                unicode_lower(sub.c.name).like(pattern, escape="\\"),
                unicode_lower(sub.c.email).like(pattern, escape="\\"),
            )
        )
    return query


def _nothing(filt: Filter):
    """No rows, with the columns of the others (a status nobody can have here)."""
    on = today()
    rows = status_rows(STATUS, filt, today=on, warn_until=on, detail=True)
    return rows.add_columns(*extra_columns()).where(false())


def _people_query(t: Tables, filt: Filter, status: str | None, term: str = "", everyone=False):
    """The people rows; ``term``: only names or e-mails containing it; ``everyone``: also
    the people of a single-centre filter who have no training record yet (no course filter
    and no status filter other than ``no_record``). Returns (subquery, query) like before:
    one flat UNION ALL (SQLite cannot nest a compound select in another)."""
    branches = _branches(filt, status, everyone) or [_nothing(filt)]
    statement = branches[0] if len(branches) == 1 else union_all(*branches)
    sub = statement.subquery("people")
    return sub, _with_version(sub, t, term)


def _total(t: Tables, filt: Filter, status: str | None, term: str, everyone: bool) -> int:
    """How many rows the list has. Without a search term the current rows are counted from
    the tallies (:mod:`.services` figures: a few thousand rows, not the centre's every
    row), the few others by SQL; with one, every matching row is counted."""
    branches = _branches(filt, status, everyone)
    if term.strip():
        counts = (
            select(func.count()).select_from(_with_version(b.subquery(), t, term).subquery())
            for b in branches
        )
        return sum(db.session.scalar(count) or 0 for count in counts)
    figures = services.figures(t, filt) if status in (None, *STATUSES) else None
    total = 0
    if figures is not None:
        total = figures.total.total if status is None else figures.total[status]
    for branch in branches[1:] if figures is not None else branches:
        total += db.session.scalar(select(func.count()).select_from(branch.subquery())) or 0
    return total


@dataclass(frozen=True)
class Page:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


def people_page(
    t: Tables, filt: Filter, status: str | None, page: int, term: str = "", everyone=False
) -> Page:
    """One page of people × courses, by name (see :func:`_people_query` for ``term`` and
    ``everyone``). The total comes from the tallies (:func:`_total`); the page is read in
    name order through the index on the centre's people, so the database stops after the
    page instead of sorting the centre's every row. A page past the end shows the last."""
    total = _total(t, filt, status, term, everyone)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    offset = (page - 1) * PAGE_SIZE
    # Each source cut at offset + a page in name order (an index walk, no sort of the whole
    # centre), then only those few rows merged, joined to their versions and sorted.
    branches = []
    for branch in _branches(filt, status, everyone) or [_nothing(filt)]:
        b = branch.subquery()
        wanted = _with_version(b, t, term).with_only_columns(*b.c)
        wanted = wanted.order_by(b.c.name, b.c.user_id, b.c.course_id)
        branches.append(select(wanted.limit(offset + PAGE_SIZE).subquery()))
    merged = (branches[0] if len(branches) == 1 else union_all(*branches)).subquery("people")
    ordered = _with_version(merged, t, "").order_by(
        merged.c.name, merged.c.user_id, merged.c.course_id
    )
    rows = db.session.execute(ordered.limit(PAGE_SIZE).offset(offset)).all()
    zone = local_zone()
    return Page([_person(r, zone) for r in rows], total, page, pages)


def people_stream(
    t: Tables, filt: Filter, status: str | None, term: str = "", everyone=False
) -> Iterator[PersonRow]:
    """Every matching row for an export, fetched in batches rather than all at once."""
    sub, query = _people_query(t, filt, status, term, everyone)
    query = query.order_by(sub.c.centre_id, sub.c.name, sub.c.user_id, sub.c.course_id)
    zone = local_zone()
    result = db.session.execute(query.execution_options(yield_per=1000))
    for row in result:
        yield _person(row, zone)
