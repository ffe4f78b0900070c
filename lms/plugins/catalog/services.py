"""Which course versions a person may see, and the catalogue's filters.

The catalogue only reads. Learners and visitors get a course's published version and nothing
else; educators and admins also get drafts, because they write and check them. Every page
loads its rows in a fixed number of queries, whatever the number of courses or modules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Select, literal, select, true

from lms import events
from lms.content import search
from lms.content.models import Asset, Course
from lms.extensions import db
from lms.lru import BoundedCache
from lms.models import Role
from lms.plugins.catalog import copies
from lms.plugins.catalog.copies import ModuleCopy, VersionCopy
from lms.text import fold

DRAFT_READERS = frozenset({Role.educator, Role.centre_admin, Role.site_admin})
"""Roles that see drafts, preview newer drafts and read any course without enrolment."""


def sees_drafts(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*DRAFT_READERS))


@dataclass(frozen=True)
class Filters:
    audience: str | None = None  # a Profession value; None: every profession
    language: str | None = None  # "sv" or "en"; None: every language
    q: str = ""

    @property
    def words(self) -> list[str]:
        """The query's words, folded like the versions' search text (lms.text.fold)."""
        return fold(self.q).split()


class CourseRef(NamedTuple):
    """A course's address and which of its versions are current, as of this request."""

    id: int
    slug: str
    published_version_id: int | None
    latest_version_id: int | None


def _courses(*where) -> list[CourseRef]:
    columns = (Course.id, Course.slug, Course.published_version_id, Course.latest_version_id)
    return [CourseRef(*row) for row in db.session.execute(select(*columns).where(*where))]


@dataclass(frozen=True)
class Entry:
    """One course in the list: the version shown and, for staff, a newer draft's number."""

    slug: str
    version: VersionCopy
    newer_draft: str | None = None


def _matches(version: VersionCopy, filters: Filters, in_modules: set[int]) -> bool:
    """Audience and language filters, then the words: all in the title and summary, or
    all in one module's text (``in_modules``: version ids the full-text search found)."""
    if filters.audience and filters.audience not in version.audiences:
        return False
    if filters.language and filters.language not in version.languages:
        return False
    if all(word in version.search_text for word in filters.words):
        return True
    return version.id in in_modules


def _newer_draft(course: CourseRef, found: dict[int, VersionCopy]) -> VersionCopy | None:
    latest = found.get(course.latest_version_id)  # type: ignore[arg-type]
    if latest is None or not latest.is_draft or latest.id == course.published_version_id:
        return None
    return latest


def catalogue(filters: Filters, *, drafts: bool, locale: str) -> list[Entry]:
    """The courses to list, sorted by the title shown, in a fixed number of queries.

    The filters run in Python on purpose: audiences and translations sit in JSON columns,
    which SQLite and PostgreSQL query differently, and a catalogue holds tens of courses.
    """
    courses = _courses() if drafts else _courses(Course.published_version_id.is_not(None))
    ids = [c.published_version_id for c in courses]
    if drafts:
        ids += [c.latest_version_id for c in courses]
    found = copies.versions(ids)
    in_modules = search.matching_versions(filters.q, found) if filters.words else set()
    entries = []
    for course in courses:
        shown = found.get(course.published_version_id)  # type: ignore[arg-type]
        newer = _newer_draft(course, found) if drafts else None
        if shown is None:
            shown, newer = newer, None
        if shown is None or not _matches(shown, filters, in_modules):
            continue
        entries.append(Entry(course.slug, shown, newer.version if newer else None))
    entries.sort(key=lambda e: (e.version.text(locale)["title"].casefold(), e.slug))
    return entries


@dataclass(frozen=True)
class Shown:
    """The version of a course a person gets on its pages."""

    course: CourseRef
    version: VersionCopy
    published: VersionCopy | None
    newer_draft: VersionCopy | None = None  # staff only: a draft not shown right now

    @property
    def previewing(self) -> bool:
        """A draft is shown (to staff) instead of, or before there is, a published version."""
        return self.version.is_draft


def shown_version(slug: str, user, *, preview: bool = False) -> Shown | None:
    """The version ``user`` may see of course ``slug``, or None (a 404).

    Learners and visitors get the published version only. Staff get the published version,
    the latest draft when they ask for a preview, and the latest draft when nothing is
    published yet.
    """
    found = _courses(Course.slug == slug)
    if not found:
        return None
    course = found[0]
    drafts = sees_drafts(user)
    ids = [course.published_version_id, course.latest_version_id if drafts else None]
    versions = copies.versions(ids)
    published = versions.get(course.published_version_id)  # type: ignore[arg-type]
    newer = _newer_draft(course, versions) if drafts else None
    if newer is not None and (preview or published is None):
        return Shown(course, newer, published)
    if published is None:
        return None
    return Shown(course, published, published, newer_draft=newer)


def neighbours(
    modules: tuple[ModuleCopy, ...], slug: str
) -> tuple[ModuleCopy | None, ModuleCopy, ModuleCopy | None]:
    """The module called ``slug`` with the ones before and after it; KeyError if none."""
    for index, module in enumerate(modules):
        if module.slug == slug:
            before = modules[index - 1] if index > 0 else None
            after = modules[index + 1] if index + 1 < len(modules) else None
            return before, module, after
    raise KeyError(slug)


def needs_enrolment(user, shown: Shown) -> bool:
    """True when a key or assigned course must refuse ``user`` its modules.

    The enrolment plugin answers through ``ensure_enrolment``; without it (switched off) the
    catalogue cannot tell, and lets the reader in.
    """
    if shown.version.enrolment == "open" or sees_drafts(user):
        return False
    answers = events.emit(
        events.ensure_enrolment,
        events.EnrolmentRequest(
            user_id=user.id,
            course_id=shown.course.id,
            version_id=shown.version.id,
            enrol_if_open=False,
        ),
    )
    return bool(answers) and all(answer is None for answer in answers)


def find_asset(slug: str, path: str, user, *, preview: bool = False) -> tuple[Asset, bool] | None:
    """The picture at ``path`` and whether it is a draft's, or None.

    Staff looking at a draft get the draft's picture; a picture only a newer draft has is
    still found for them, so a preview without ``?preview=draft`` shows no broken image.
    """
    found = _courses(Course.slug == slug)
    if not found:
        return None
    course = found[0]
    # Stored names are NFC (the course loader's); a link typed on a Mac may ask in NFD.
    path = unicodedata.normalize("NFC", path)
    order = [course.published_version_id]
    if sees_drafts(user):
        # Outside the published version only drafts exist (a sync publishes what it marks so).
        draft_first = preview or course.published_version_id is None
        order.insert(0 if draft_first else 1, course.latest_version_id)
    order = list(dict.fromkeys(i for i in order if i is not None))
    if not order:
        return None
    assets = {
        a.version_id: a
        for a in db.session.scalars(
            select(Asset).where(Asset.version_id.in_(order), Asset.path == path)
        )
    }
    for version_id in order:
        if version_id in assets:
            return assets[version_id], version_id != course.published_version_id
    return None


_ASSET_SRC = re.compile(r'(src="/courses/[a-z0-9-]+/assets/[^"?#]+)"')


def preview_assets(html: str) -> str:
    """Point a draft's pictures at the draft (``?preview=draft``), for a staff preview."""
    return _ASSET_SRC.sub(r'\1?preview=draft"', html)


BADGE_ORDER = ("completed", "expiring", "expired", "assigned", "enrolled")


def card_states(user, entries: list[Entry]) -> dict[int, list[events.CourseBadge]]:
    """course id -> the person's badges for that course (enrolled, assigned with its due
    date, completed, expiring, expired), from the plugins that know (``catalogue_states``);
    empty for a visitor. Per person, so kept apart from the version's card content."""
    if user is None or not entries:
        return {}
    found: dict[int, list[events.CourseBadge]] = {}
    payload = events.CatalogueStates(
        user_id=user.id, course_ids=tuple(sorted({e.version.course_id for e in entries}))
    )
    for answer in events.emit(events.catalogue_states, payload):
        for course_id, badges in (answer or {}).items():
            found.setdefault(course_id, []).extend(badges)
    for badges in found.values():
        badges.sort(key=lambda b: BADGE_ORDER.index(b.kind) if b.kind in BADGE_ORDER else 99)
    return found


PAGE_STATEMENTS = "catalog.page_statements"
MAX_PAGE_STATEMENTS = 1024
"""Page statement shapes kept per app process (one per module with quizzes, signed in or
not); the least recently used goes first."""


def _joined(parts: list) -> Select:
    """The parts outer-joined onto one row."""
    base = select(literal(1).label("page_row")).subquery("page_base")
    subqueries = [part.subquery(f"page_part_{n}") for n, part in enumerate(parts)]
    statement = select(*[column for sub in subqueries for column in sub.c]).select_from(base)
    for sub in subqueries:
        statement = statement.outerjoin(sub, true())
    return statement


def page_facts(signal, payload) -> dict:
    """What the panels of a page asked for, in one statement: every receiver of ``signal``
    returns a list of SELECTs (or :class:`lms.events.PagePart`) giving at most one row
    each; they are outer-joined onto one row, so one that finds nothing gives NULLs.
    Returns {column label: value}; {} when no receiver asked for anything (nothing is sent).

    When every part is a PagePart the joined statement is built once per tuple of shapes
    and process (building it cost more than running it: issue 18); only the parameters
    change. Raises ValueError when two parts give one parameter name different values."""
    parts = [part for asked in events.emit(signal, payload) for part in asked or ()]
    if not parts:
        return {}
    params: dict = {}
    for part in parts:
        for name, value in getattr(part, "params", {}).items():
            if params.setdefault(name, value) != value:
                raise ValueError(f"page statement: two values for parameter {name!r}")
    if all(isinstance(part, events.PagePart) for part in parts):
        cache = current_app.extensions.setdefault(
            PAGE_STATEMENTS, BoundedCache(MAX_PAGE_STATEMENTS)
        )
        shapes = tuple(part.shape for part in parts)
        statement = cache.get(shapes, lambda: _joined([part.build() for part in parts]))
    else:
        statement = _joined(
            [part.build() if isinstance(part, events.PagePart) else part for part in parts]
        )
    return dict(db.session.execute(statement, params).one()._mapping)
