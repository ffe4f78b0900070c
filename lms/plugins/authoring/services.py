"""Changes to a draft: new courses, saving, renaming and deleting files, pictures, owners.

Every change is one transaction with its audit event (who, what, when), or nothing. Saves
are optimistic: the form carries the file's ``revision`` it was opened at, and a save that
finds another revision is refused with :class:`Conflict` (both texts kept for the page), so
two educators never silently overwrite each other.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from lms import audit
from lms.content.files import FOLDER
from lms.content.models import MANAGED_IN_APP, Course
from lms.extensions import db
from lms.models import Role, User, utcnow
from lms.plugins.authoring.access import Authored
from lms.plugins.authoring.coursefile import COURSE_FILE, new_course_md, read_owners
from lms.plugins.authoring.errors import Conflict, Refused
from lms.plugins.authoring.models import DraftFile, Workspace
from lms.plugins.authoring.paths import clean_path, is_picture, is_text, picture_problem


def max_file_bytes() -> int:
    return int(current_app.config["LMS_AUTHORING_MAX_FILE_BYTES"])


def normalise_text(text: str) -> bytes:
    """A textarea's text as a file: browsers send CRLF, git and the checker want LF; a text
    file ends with a newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(path: str, data: bytes) -> None:
    if len(data) > max_file_bytes():
        raise Refused(
            _(
                "'%(path)s' is larger than %(kb)d kB.",
                path=path,
                kb=max_file_bytes() // 1024,
            )
        )


def touch(workspace: Workspace, actor: User) -> None:
    """Count a change of the draft (in SQL, so concurrent changes never lose a count)."""
    db.session.execute(
        update(Workspace)
        .where(Workspace.id == workspace.id)
        .values(revision=Workspace.revision + 1, updated_at=utcnow(), updated_by_id=actor.id)
    )


def owners_after(workspace: Workspace, files: dict[str, bytes], actor: User) -> None:
    """Read the owners again when course.md changes; an educator may not write themselves
    out of their own course (a site admin can add them back, but why lock oneself out)."""
    data = files.get(COURSE_FILE)
    if data is None:
        return
    owners = read_owners(data.decode("utf-8", "replace"))
    if owners is None:
        return
    if not actor.has_role(Role.site_admin) and actor.email.lower() not in owners:
        raise Refused(
            _(
                "course.md would no longer name you in 'owners', and you could not open this "
                "course again. Keep %(email)s in the list.",
                email=actor.email.lower(),
            )
        )
    workspace.owners = list(owners)


def _current(workspace: Workspace, path: str) -> DraftFile | None:
    return db.session.scalar(
        select(DraftFile)
        .where(DraftFile.workspace_id == workspace.id, DraftFile.path == path)
        .options(undefer(DraftFile.data))
    )


def file(workspace: Workspace, path: str) -> DraftFile | None:
    """The file at ``path`` of the draft, with its bytes."""
    return _current(workspace, path)


def _conflict(workspace: Workspace, path: str) -> Conflict:
    db.session.rollback()
    theirs = _current(workspace, path)
    if theirs is None:
        message = _("Someone deleted or renamed this file after you opened it.")
    else:
        message = _(
            "Someone else saved this file after you opened it. Nothing of yours was saved: "
            "both texts are below. Copy what you need into yours and save again."
        )
    return Conflict(message, theirs)


def create_course(
    *,
    slug: str,
    title: str,
    summary: str,
    audiences: list[str],
    language: str,
    estimated_minutes: int,
    actor: User,
) -> Course:
    """A new course managed in the app: its draft holds a course.md naming ``actor`` as owner.
    Raises Refused when ``slug`` is not a valid course address or is taken."""
    if not FOLDER.match(slug):
        raise Refused(_("The address may have lower-case letters, digits and hyphens only."))
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise Refused(_("A course with the address '%(slug)s' exists already.", slug=slug))
    text = new_course_md(
        title=title,
        summary=summary,
        audiences=audiences,
        language=language,
        estimated_minutes=estimated_minutes,
        owner=actor.email,
        description=summary,
    )
    data = text.encode("utf-8")
    course = Course(slug=slug, managed_in=MANAGED_IN_APP)
    workspace = Workspace(
        course=course, owners=[actor.email.lower()], created_by_id=actor.id, updated_by_id=actor.id
    )
    db.session.add_all([course, workspace])
    db.session.add(
        DraftFile(
            workspace=workspace,
            path=COURSE_FILE,
            data=data,
            sha256=_sha(data),
            size=len(data),
            updated_by_id=actor.id,
        )
    )
    audit.record("authoring.course_created", actor=actor, course=slug)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Refused(
            _("A course with the address '%(slug)s' exists already.", slug=slug)
        ) from None
    return course


def save_text(
    authored: Authored,
    path: str,
    text: str,
    *,
    revision: int | None,
    actor: User,
    commit: bool = True,
) -> DraftFile:
    """Store a Markdown file typed in the browser. ``revision``: the one the form was opened
    at, or None for a new file. Raises Conflict (changed since), Refused (bad name, size).
    ``commit=False`` leaves the transaction open for the caller's own rows."""
    workspace = authored.workspace
    path = clean_path(path)
    if not is_text(path):
        raise Refused(_("A text file's name ends in .md; pictures are uploaded."))
    data = normalise_text(text)
    check_size(path, data)
    owners_after(workspace, {path: data}, actor)
    if revision is None:
        row = DraftFile(
            workspace_id=workspace.id,
            path=path,
            data=data,
            sha256=_sha(data),
            size=len(data),
            updated_by_id=actor.id,
        )
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise Refused(_("A file named '%(path)s' exists already.", path=path)) from None
        action = "authoring.file_added"
    else:
        row = _current(workspace, path)
        if row is None or row.revision != revision:
            raise _conflict(workspace, path)
        if row.sha256 == _sha(data):
            db.session.rollback()
            return row  # nothing changed: nothing to store or audit
        changed = db.session.execute(
            update(DraftFile)
            .where(DraftFile.id == row.id, DraftFile.revision == revision)
            .values(
                data=data,
                sha256=_sha(data),
                size=len(data),
                revision=DraftFile.revision + 1,
                updated_at=utcnow(),
                updated_by_id=actor.id,
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            raise _conflict(workspace, path)
        action = "authoring.file_saved"
    touch(workspace, actor)
    audit.record(action, actor=actor, course=authored.course.slug, path=path, sha256=_sha(data))
    if commit:
        db.session.commit()
    return _current(workspace, path)


def rename(authored: Authored, path: str, new_path: str, *, revision: int, actor: User) -> str:
    """Give a file a new name; refused when the file changed since ``revision``, the new
    name is taken or unsafe, or it would change what the file is (Markdown stays Markdown, a
    picture stays a picture of the format its bytes are). Returns the new path."""
    workspace = authored.workspace
    new_path = clean_path(new_path)
    current = _current(workspace, path)
    if current is not None and is_text(path) and not is_text(new_path):
        raise Refused(_("A text file's name ends in .md; pictures are uploaded."))
    if current is not None and is_picture(path):
        problem = picture_problem(new_path, current.data) if is_picture(new_path) else None
        if not is_picture(new_path) or problem:
            raise Refused(problem or _("A picture stays in images/ with its own format's ending."))
    if _current(workspace, new_path) is not None:
        raise Refused(_("A file named '%(path)s' exists already.", path=new_path))
    changed = db.session.execute(
        update(DraftFile)
        .where(
            DraftFile.workspace_id == workspace.id,
            DraftFile.path == path,
            DraftFile.revision == revision,
        )
        .values(
            path=new_path,
            revision=DraftFile.revision + 1,
            updated_at=utcnow(),
            updated_by_id=actor.id,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise _conflict(workspace, path)
    touch(workspace, actor)
    audit.record(
        "authoring.file_renamed", actor=actor, course=authored.course.slug, path=path, to=new_path
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Refused(_("A file named '%(path)s' exists already.", path=new_path)) from None
    return new_path


def remove(authored: Authored, path: str, *, revision: int, actor: User) -> None:
    """Delete a file of the draft (the published versions keep theirs); refused when it
    changed since ``revision``."""
    workspace = authored.workspace
    row = _current(workspace, path)
    if row is None or row.revision != revision:
        raise _conflict(workspace, path)
    sha = row.sha256
    gone = db.session.execute(
        delete(DraftFile)
        .where(DraftFile.id == row.id, DraftFile.revision == revision)
        .execution_options(synchronize_session=False)
    )
    if gone.rowcount != 1:
        raise _conflict(workspace, path)
    db.session.expunge(row)
    touch(workspace, actor)
    audit.record(
        "authoring.file_deleted", actor=actor, course=authored.course.slug, path=path, sha256=sha
    )
    db.session.commit()
