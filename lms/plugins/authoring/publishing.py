"""Publishing a draft: the next version number, the checker, and the sync's own storing code.

The educator says what kind of change it is; the number follows Semantic Versioning 2.0.0
(semver.org, items 6-8): a correction bumps PATCH, an addition MINOR, changed teaching
MAJOR (and learners re-take the modules that changed). The number and ``status: published``
are written into the draft's course.md, so the draft, its ZIP and the stored version agree.
Everything happens in one transaction: the course row is locked, the version stored by
:func:`lms.content.sync.stage_version` (the code ``flask lms sync-courses`` runs), the note
kept on the version, the draft's course.md updated, the publish audited; until the commit
the previous version keeps serving, and a failure leaves nothing.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import audit
from lms.content import Problem
from lms.content.files import content_hash, list_files
from lms.content.models import CourseVersion
from lms.content.sync import announce_published, stage_version
from lms.extensions import db
from lms.models import User, utcnow
from lms.plugins.authoring.access import Authored
from lms.plugins.authoring.checking import check_folder, file_bytes, materialised
from lms.plugins.authoring.coursefile import COURSE_FILE, set_keys
from lms.plugins.authoring.models import DraftFile, Workspace
from lms.plugins.authoring.services import Refused, touch

KINDS = {
    "patch": _l("Correction: a typo or a wrong detail put right"),
    "minor": _l("Addition: new material, nothing learners knew has changed"),
    "major": _l("Changed teaching: learners must re-take what changed"),
}
MAX_NOTE = 2000


class HasProblems(Refused):
    """The draft does not pass the checker; ``problems`` are the errors."""

    def __init__(self, problems: list[Problem]):
        super().__init__(_("The draft has problems: fix them, then publish."))
        self.problems = problems


def newest_version(course_id: int) -> CourseVersion | None:
    return db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course_id)
        .order_by(
            CourseVersion.major.desc(), CourseVersion.minor.desc(), CourseVersion.patch.desc()
        )
        .limit(1)
    )


def next_version(newest: CourseVersion | None, kind: str | None) -> str:
    """The number a publish of ``kind`` (patch, minor, major) gets after ``newest``; the
    first version of a course is 1.0.0 whatever the kind."""
    if newest is None:
        return "1.0.0"
    major, minor, patch = newest.major, newest.minor, newest.patch
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _validate(authored: Authored, kind: str | None, note: str, newest) -> None:
    if not authored.editable:
        raise Refused(_("This course is managed in courses/: publish it with the sync."))
    if newest is not None and kind not in KINDS:
        raise Refused(_("Choose what kind of change this is."))
    if newest is not None and not note:
        raise Refused(_("Write what changed: learners and other educators read it."))
    if len(note) > MAX_NOTE:
        raise Refused(_("The note is longer than %(n)d characters.", n=MAX_NOTE))


def publish(
    authored: Authored, *, kind: str | None, note: str, revision: int, actor: User
) -> CourseVersion:
    """Store the draft as the course's next published version and return it.

    ``revision``: the workspace revision the educator checked; a draft changed since is
    refused (they publish what they saw). Raises HasProblems (the checker's errors) or
    Refused (nothing new, a stale page, a concurrent publish); nothing is stored then.
    """
    try:
        return _publish(
            authored, kind=kind, note=(note or "").strip(), revision=revision, actor=actor
        )
    except IntegrityError:
        db.session.rollback()
        raise Refused(_("Someone published this course at the same moment: look again.")) from None
    except Exception:
        db.session.rollback()
        raise


def _publish(authored: Authored, *, kind, note: str, revision: int, actor: User) -> CourseVersion:
    course = authored.course
    workspace = db.session.scalar(
        select(Workspace).where(Workspace.id == authored.workspace.id).with_for_update()
    )
    db.session.refresh(workspace)
    if workspace.revision != revision:
        raise Refused(
            _("The draft changed after you opened this page: check it again, then publish.")
        )
    newest = newest_version(course.id)
    _validate(authored, kind, note, newest)
    files = file_bytes(workspace)
    if COURSE_FILE not in files:
        raise HasProblems(
            [Problem(COURSE_FILE, 1, "missing course.md (the course's front matter)")]
        )
    label = next_version(newest, kind)
    with materialised(course.slug, files) as folder:
        same = db.session.scalar(
            select(CourseVersion.version).where(
                CourseVersion.course_id == course.id,
                CourseVersion.content_hash == content_hash(folder, list_files(folder)),
            )
        )
        if same is not None:
            raise Refused(
                _(
                    "The draft is version %(version)s as published: change something first.",
                    version=same,
                )
            )
        try:
            text = set_keys(
                files[COURSE_FILE].decode("utf-8"), {"version": label, "status": "published"}
            )
        except (UnicodeDecodeError, ValueError):
            text = None  # not UTF-8, no front matter: the checker says so just below
        if text is not None:
            (folder / COURSE_FILE).write_text(text, encoding="utf-8")
        doc, problems = check_folder(folder)
        if doc is None or text is None:
            raise HasProblems([p for p in problems if not p.warning])
        result, version = stage_version(doc, folder, from_app=True)
        if version is None:
            raise Refused("; ".join(result.messages) or result.outcome)
    version.change_note = note or None
    data = text.encode("utf-8")
    db.session.execute(
        update(DraftFile)
        .where(DraftFile.workspace_id == workspace.id, DraftFile.path == COURSE_FILE)
        .values(
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            revision=DraftFile.revision + 1,
            updated_at=utcnow(),
            updated_by_id=actor.id,
        )
        .execution_options(synchronize_session=False)
    )
    touch(workspace, actor)
    audit.record(
        "authoring.published",
        actor=actor,
        course=course.slug,
        version=label,
        kind=kind if newest is not None else "first",
        content_hash=doc.content_hash,
        note=note,
    )
    db.session.commit()
    announce_published(version)  # unfinished enrolments move onto a new minor or patch
    return version
