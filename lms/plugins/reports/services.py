"""Who may see which figures, and the figures: SQL aggregations over :mod:`.query`.

Reports only read. Every function here runs a fixed number of queries whatever the number
of people: the grouping happens in SQL, Python only sorts the (few) groups into tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select, union_all

from lms import clock
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import Centre, Role, User
from lms.plugins import enabled_plugins
from lms.plugins.reports import tally
from lms.plugins.reports.models import CountedCompletion, PersonCourseFacts
from lms.plugins.reports.query import (
    CERTIFICATE_TABLE,
    ENROLMENT_TABLES,
    Filter,
    Tables,
)

STATUS = PersonCourseFacts.__table__
COMPLETIONS = CountedCompletion.__table__
MONTHS = 12
# Holding valid training: what the completion charts count.
VALID = ("completed", "expiring")


def today() -> date:
    """Today where the centres are (:func:`lms.clock.local_today`), as the certificates
    plugin counts expiry."""
    return clock.local_today()


def warning_days() -> int:
    return int(current_app.config.get("LMS_EXPIRY_WARNING_DAYS", 60))


def tables() -> Tables | None:
    """The tables to read, or None when the enrolment plugin is off. A table counts only
    when its plugin is enabled in this app: switched off means not reported on."""
    enabled = enabled_plugins(current_app)
    meta = db.metadata.tables
    if "enrolment" not in enabled or any(name not in meta for name in ENROLMENT_TABLES):
        return None
    cert = meta.get(CERTIFICATE_TABLE) if "certificates" in enabled else None
    return Tables(*(meta[name] for name in ENROLMENT_TABLES), cert=cert)


@dataclass(frozen=True)
class CourseInfo:
    id: int
    slug: str
    title: str
    status: str
    owners: tuple[str, ...] = ()
    published: bool = True  # has a published version (a draft never published has no records)


@dataclass(frozen=True)
class Scope:
    """What the current person may see. ``kind``: centre, network or educator."""

    kind: str
    filter: Filter
    centre: Centre | None = None
    courses: tuple[CourseInfo, ...] = ()
    may_see_people: bool = True


def courses(lang: str) -> list[CourseInfo]:
    """Every course with its latest version's title and owners; few rows (O(courses)).
    Owners are matched here, not in SQL: JSON containment differs between databases."""
    rows = db.session.execute(
        select(
            Course.id,
            Course.slug,
            CourseVersion.title,
            CourseVersion.translations,
            CourseVersion.status,
            CourseVersion.owners,
            Course.published_version_id,
        )
        .join(CourseVersion, CourseVersion.id == Course.latest_version_id)
        .order_by(Course.slug)
    )
    return [
        CourseInfo(
            cid,
            slug,
            (tr or {}).get(lang, {}).get("title") or title,
            status,
            tuple(o.lower() for o in owners or ()),
            published_id is not None,
        )
        for cid, slug, title, tr, status, owners, published_id in rows
    ]


def centres() -> list[Centre]:
    return list(db.session.scalars(select(Centre).order_by(Centre.name)))


def has_both_views(user: User) -> bool:
    """An educator who is also a centre admin (not a site admin): their centre's report by
    default, their own courses across centres when they ask (``?view=courses``)."""
    return (
        user.has_role(Role.educator)
        and user.has_role(Role.centre_admin)
        and not user.has_role(Role.site_admin)
    )


def sees_all_centres(user: User, *, as_educator: bool = False) -> bool:
    """Whether the report names every centre: a site admin's network, an educator's own
    courses across centres. A centre admin sees their centre unless they are an educator
    too and ask for their courses (``as_educator``)."""
    if user.has_role(Role.site_admin):
        return True
    if not user.has_role(Role.educator):
        return False
    return as_educator or not user.has_role(Role.centre_admin)


def scope_for(
    user: User,
    centre_slug: str | None,
    lang: str,
    centres: list[Centre],
    *,
    as_educator: bool = False,
) -> Scope:
    """Centre admins get their own centre, whatever the URL asks for; site admins the centre
    they ask for (one of ``centres``) or the network; educators the courses they own,
    across centres, without the names of people. A person who is both an educator and a
    centre admin gets the centre unless ``as_educator``. Raises PermissionError for anyone
    else (a learner)."""
    all_courses = tuple(courses(lang))
    # A course never published has no training records: only its owners' view lists it.
    published = tuple(c for c in all_courses if c.published)
    if user.has_role(Role.site_admin):
        centre = next((c for c in centres if c.slug == centre_slug), None)
        if centre is not None:
            return Scope("centre", Filter(centre_id=centre.id), centre, published)
        return Scope("network", Filter(all_centres=True), None, published)
    if user.has_role(Role.centre_admin) and not (as_educator and user.has_role(Role.educator)):
        return Scope("centre", Filter(centre_id=user.centre_id), user.centre, published)
    if user.has_role(Role.educator):
        email = user.email.lower()
        owned = tuple(c for c in all_courses if email in c.owners)
        return Scope(
            "educator",
            Filter(all_centres=True, course_ids=tuple(c.id for c in owned)),
            None,
            owned,
            may_see_people=False,
        )
    raise PermissionError(sorted(user.roles))


def narrowed(scope: Scope, *, course_id: int | None, profession: str | None) -> Filter:
    """The scope's filter with the page's filters on top (never wider than the scope)."""
    course_ids = scope.filter.course_ids
    if course_id is not None:
        allowed = course_ids is None or course_id in course_ids
        course_ids = (course_id,) if allowed else ()
    return Filter(
        centre_id=scope.filter.centre_id,
        all_centres=scope.filter.all_centres,
        course_ids=course_ids,
        profession=profession,
    )


@dataclass
class Tally:
    """Status counts of one group (a course, a profession, a centre × course)."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def valid(self) -> int:
        return sum(self.counts[s] for s in VALID)

    @property
    def percent_valid(self) -> int:
        return round(100 * self.valid / self.total) if self.total else 0

    def __getitem__(self, status: str) -> int:
        return self.counts[status]


@dataclass
class Figures:
    by_course: dict[int, Tally]
    by_profession: dict[str, Tally]
    by_centre_course: dict[tuple[int | None, int], Tally]
    by_centre: dict[int | None, Tally]
    total: Tally


def figures(t: Tables, filt: Filter) -> Figures:
    """All the dashboard's counts in one statement of two grouped parts, both from the
    counts kept current (:mod:`.tally`): the tallies whose month decides their status
    (:func:`.tally.settled`), and the day tallies of the two months where the day does
    (:func:`.tally.boundary`). A few thousand rows whatever the number of people. ``t``,
    the records, are where those tables come from."""
    on = today()
    warn_until = on + timedelta(days=warning_days())
    result = Figures({}, {}, {}, {}, Tally())
    both = union_all(tally.settled(filt, on, warn_until), tally.boundary(filt, on, warn_until))
    for centre_id, course_id, profession, status, count in db.session.execute(both):
        _add(result, centre_id, course_id, getattr(profession, "value", profession), status, count)
    return result


def _add(result: Figures, centre_id, course_id, profession, status, count) -> None:
    for bucket, key in (
        (result.by_course, course_id),
        (result.by_profession, profession),
        (result.by_centre_course, (centre_id, course_id)),
        (result.by_centre, centre_id),
    ):
        tally_ = bucket.get(key)
        if tally_ is None:  # not setdefault: that builds a Tally for every row
            tally_ = bucket[key] = Tally()
        tally_.counts[status] += int(count)
    result.total.counts[status] += int(count)


def completions_by_month(t: Tables, filt: Filter) -> list[tuple[date, int]]:
    """Completions (not revoked) per calendar month (UTC) over the last twelve months, from
    the month tallies of the reports' copy of them (:class:`.models.MonthTally`)."""
    first = today().replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    months.reverse()
    m = tally.MONTHS.c
    query = (
        select(m.month, func.sum(m.n))
        .where(*tally.conditions(tally.MONTHS, filt))
        .where(m.month >= tally.month_index(months[0]))
        .group_by(m.month)
    )
    found = {int(month): int(n) for month, n in db.session.execute(query)}
    return [(m_, found.get(tally.month_index(m_), 0)) for m_ in months]
