"""Who may see and change which course's draft, and the list of an educator's courses.

Owners are the ``owners:`` of course.md: of the draft when the course has one (as the
workspace last read them), else of its newest stored version. Site admins may author every
course; an educator the courses that name them; nobody else any. A course someone may not
author is answered as if it did not exist (404), so its address tells a stranger nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.content import frontmatter as fm
from lms.content.models import MANAGED_IN_APP, Course, CourseVersion
from lms.extensions import db
from lms.models import Role
from lms.plugins.authoring.coursefile import COURSE_FILE
from lms.plugins.authoring.models import DraftFile, Workspace

AUTHORS = (Role.educator, Role.site_admin)


def may_author(user, owners) -> bool:
    """Site admins always; educators named in ``owners`` (lower-case e-mail addresses)."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.site_admin):
        return True
    return user.has_role(Role.educator) and user.email.lower() in owners


@dataclass(frozen=True)
class Authored:
    """One course as its author sees it."""

    course: Course
    workspace: Workspace | None
    owners: tuple[str, ...]

    @property
    def in_app(self) -> bool:
        return self.course.managed_in == MANAGED_IN_APP

    @property
    def editable(self) -> bool:
        """The draft may be changed here: the course is managed in the app."""
        return self.in_app and self.workspace is not None


def _owners(course: Course, workspace: Workspace | None) -> tuple[str, ...]:
    if workspace is not None:
        return tuple(workspace.owners or ())
    latest = course.latest_version
    return tuple(o.lower() for o in (latest.owners if latest else None) or ())


def find(slug: str, user, *, lock: bool = False) -> Authored | None:
    """The course ``slug`` if ``user`` may author it, else None. ``lock``: take the
    workspace row ``FOR UPDATE`` (writes that read first)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None
    query = select(Workspace).where(Workspace.course_id == course.id)
    if lock:
        query = query.with_for_update()
    workspace = db.session.scalar(query)
    owners = _owners(course, workspace)
    if not may_author(user, owners):
        return None
    return Authored(course, workspace, owners)


@dataclass(frozen=True)
class Entry:
    """A line of the course list."""

    slug: str
    title: str
    in_app: bool
    published: str | None  # the version learners get
    has_draft: bool


def _draft_titles(workspace_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(DraftFile.workspace_id, DraftFile.data).where(
            DraftFile.workspace_id.in_(workspace_ids), DraftFile.path == COURSE_FILE
        )
    )
    titles = {}
    for workspace_id, data in rows:
        parsed = fm.parse(data.decode("utf-8", "replace"), fm.Kind.COURSE, COURSE_FILE)
        titles[workspace_id] = str(parsed.values.get("title") or "")
    return titles


def listing(user, lang: str) -> list[Entry]:
    """The courses ``user`` may author, by title, in a fixed number of queries (owners are
    JSON lists, matched here as elsewhere in the app)."""
    rows = db.session.execute(
        select(Course, Workspace, CourseVersion)
        .outerjoin(Workspace, Workspace.course_id == Course.id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.latest_version_id)
        .order_by(Course.slug)
    ).all()
    mine = [
        (course, workspace, latest)
        for course, workspace, latest in rows
        if may_author(user, _owners_of_row(workspace, latest))
    ]
    untitled = [w.id for _c, w, latest in mine if w is not None and latest is None]
    titles = _draft_titles(untitled) if untitled else {}
    published = {
        vid: label
        for vid, label in db.session.execute(
            select(CourseVersion.id, CourseVersion.version).where(
                CourseVersion.id.in_([c.published_version_id for c, _w, _l in mine])
            )
        )
    }
    entries = [
        Entry(
            slug=course.slug,
            title=(latest.text(lang)["title"] if latest else titles.get(workspace.id, ""))
            or course.slug,
            in_app=course.managed_in == MANAGED_IN_APP,
            published=published.get(course.published_version_id),
            has_draft=workspace is not None,
        )
        for course, workspace, latest in mine
    ]
    return sorted(entries, key=lambda e: (e.title.casefold(), e.slug))


def _owners_of_row(workspace: Workspace | None, latest: CourseVersion | None) -> tuple:
    if workspace is not None:
        return tuple(workspace.owners or ())
    return tuple(o.lower() for o in (latest.owners if latest else None) or ())
