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
    exists,
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
from lms.plugins.reports.former import LEFT, extra_columns, former_rows
from lms.plugins.reports.query import STATUSES, Filter, Tables, status_rows
from lms.plugins.reports.services import STATUS, today, warning_days

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
    status table: no enrolment, assignment or completion yet. Same columns as the status
    rows (``course_id`` NULL, status ``no_record``)."""
    users = User.__table__
    conditions = [
        users.c.centre_id == filt.centre_id,
        users.c.active.is_(True),
        ~exists().where(STATUS.c.user_id == users.c.id),
    ]
    if filt.profession is not None:
        conditions.append(cast(users.c.profession, String) == filt.profession)
    return select(
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
    ).where(*conditions)


def _people_query(t: Tables, filt: Filter, status: str | None, term: str = "", everyone=False):
    """The people rows; ``term``: only names or e-mails containing it; ``everyone``: also
    the people of a single-centre filter who have no training record yet (no course filter
    and no status filter other than ``no_record``)."""
    on = today()
    warn_until = on + timedelta(days=warning_days())
    current = status_rows(STATUS, filt, today=on, warn_until=warn_until, detail=True)
    current = current.add_columns(*extra_columns())
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
        branches = [former if former is not None else current.where(false())]
    elif status == NO_RECORD:
        branches = [_without_records(filt) if untrained else current.where(false())]
    elif former is None or status in STATUSES:
        branches = [current]
    else:
        branches = [current, former]
    if untrained and status is None:
        branches.append(_without_records(filt))
    # One flat UNION ALL: SQLite cannot nest a compound select in another.
    statement = branches[0] if len(branches) == 1 else union_all(*branches)
    sub = statement.subquery("people")
    # The version of the person's enrolment in the course (the text they work or worked on).
    e, v = t.enrolment, CourseVersion.__table__
    joined = sub.outerjoin(
        e, and_(e.c.user_id == sub.c.user_id, e.c.course_id == sub.c.course_id)
    ).outerjoin(v, v.c.id == e.c.version_id)
    query = select(sub, v.c.version.label("course_version")).select_from(joined)
    if status in STATUSES:
        query = query.where(sub.c.status == status)
    if term.strip():
        pattern = contains_pattern(term.strip().lower())
        query = query.where(
            or_(
                unicode_lower(sub.c.name).like(pattern, escape="\\"),
                unicode_lower(sub.c.email).like(pattern, escape="\\"),
            )
        )
    return sub, query


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
    ``everyone``). One query: the total comes along as a window count; only a page past the
    end costs two more (the count, then the last page)."""
    sub, query = _people_query(t, filt, status, term, everyone)
    paged = query.add_columns(func.count().over().label("total")).order_by(
        sub.c.name, sub.c.user_id, sub.c.course_id
    )

    def fetch(number: int):
        offset = (number - 1) * PAGE_SIZE
        return db.session.execute(paged.limit(PAGE_SIZE).offset(offset)).all()

    page = max(1, page)
    rows = fetch(page)
    if rows:
        total = rows[0].total
    else:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        if total:
            page = -(-total // PAGE_SIZE)
            rows = fetch(page)
        else:
            page = 1
    pages = max(1, -(-total // PAGE_SIZE))
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
