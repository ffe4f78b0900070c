"""Pictures, whole course folders (ZIP or the server's courses/ folder) and owners.

Pictures are checked by their bytes (not their names) and by the course checker (an SVG with
scripts or external links is refused before it is stored). A course folder replaces the
whole draft in one transaction and one audit event that lists what was added, changed and
removed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from lms import audit
from lms.content.files import list_files
from lms.content.models import MANAGED_IN_APP
from lms.extensions import db
from lms.models import Role, User, utcnow
from lms.plugins.authoring import checking
from lms.plugins.authoring.access import Authored
from lms.plugins.authoring.coursefile import COURSE_FILE, read_owners, set_keys
from lms.plugins.authoring.messages import translate
from lms.plugins.authoring.models import DraftFile, Workspace
from lms.plugins.authoring.paths import PathRefused, clean_path, is_picture, picture_problem
from lms.plugins.authoring.services import (
    Refused,
    check_size,
    file,
    max_file_bytes,
    owners_after,
    save_text,
    touch,
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def picture_refusal(slug: str, path: str, data: bytes) -> str | None:
    """Why ``data`` may not be the picture ``path`` of the draft, or None."""
    problem = picture_problem(path, data)
    if problem:
        return problem
    found = checking.picture_problems(slug, path, data)
    if found:
        return f"{path}: " + "; ".join(p.message for p in found)
    return None


def pictures_refused(slug: str, files: dict[str, bytes]) -> list[str]:
    """What the course checker says against the pictures among ``files`` (an SVG with
    scripts, say), checked together in one folder; empty when nothing."""
    pictures = {path: data for path, data in files.items() if is_picture(path)}
    if not pictures:
        return []
    _doc, problems = checking.check_files(slug, pictures)
    return [
        f"{p.path}: {translate(p.message).text}"
        for p in problems
        if p.path in pictures and not p.warning
    ]


def put_picture(authored: Authored, path: str, data: bytes, *, actor: User) -> str:
    """Add the picture ``path`` (``images/...``) or replace the one of that name."""
    workspace = authored.workspace
    path = clean_path(path)
    if not is_picture(path):
        raise PathRefused(
            _("Pictures go in the images/ folder: name it images/%(name)s.", name=path)
        )
    check_size(path, data)
    refusal = picture_refusal(authored.course.slug, path, data)
    if refusal:
        raise Refused(refusal)
    row = file(workspace, path)
    values = {"data": data, "sha256": _sha(data), "size": len(data), "updated_by_id": actor.id}
    if row is None:
        db.session.add(DraftFile(workspace_id=workspace.id, path=path, **values))
        action = "authoring.picture_added"
    else:
        db.session.execute(
            update(DraftFile)
            .where(DraftFile.id == row.id)
            .values(**values, revision=DraftFile.revision + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        action = "authoring.picture_replaced"
    touch(workspace, actor)
    audit.record(action, actor=actor, course=authored.course.slug, path=path, sha256=_sha(data))
    db.session.commit()
    return path


def replace_all(
    authored: Authored, files: dict[str, bytes], *, actor: User, action: str
) -> dict[str, list[str]]:
    """Make the draft exactly ``files`` (paths already clean, pictures already checked);
    returns the paths added, changed and removed."""
    workspace = authored.workspace
    for path, data in files.items():
        check_size(path, data)
    owners_after(workspace, files, actor)
    current = {
        path: sha
        for path, sha in db.session.execute(
            select(DraftFile.path, DraftFile.sha256).where(DraftFile.workspace_id == workspace.id)
        )
    }
    added = sorted(set(files) - set(current))
    removed = sorted(set(current) - set(files))
    changed = sorted(p for p in set(files) & set(current) if _sha(files[p]) != current[p])
    if removed:
        db.session.execute(
            delete(DraftFile)
            .where(DraftFile.workspace_id == workspace.id, DraftFile.path.in_(removed))
            .execution_options(synchronize_session=False)
        )
    for path in changed:
        data = files[path]
        db.session.execute(
            update(DraftFile)
            .where(DraftFile.workspace_id == workspace.id, DraftFile.path == path)
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
    for path in added:
        data = files[path]
        db.session.add(
            DraftFile(
                workspace_id=workspace.id,
                path=path,
                data=data,
                sha256=_sha(data),
                size=len(data),
                updated_by_id=actor.id,
            )
        )
    touch(workspace, actor)
    summary = {"added": added, "changed": changed, "removed": removed}
    audit.record(action, actor=actor, course=authored.course.slug, **summary)
    db.session.commit()
    return summary


def server_folder(slug: str) -> Path | None:
    """The course's folder under ``LMS_COURSES_DIR``, when there is one."""
    folder = Path(current_app.config["LMS_COURSES_DIR"]) / slug
    return folder if (folder / COURSE_FILE).is_file() else None


def read_folder(folder: Path) -> dict[str, bytes]:
    """The files of a course folder on the server as the checker sees them (no dotfiles).
    Raises Refused for a path or a picture a draft cannot hold."""
    files = {}
    for relative in list_files(folder):
        try:
            path = clean_path(relative)
        except PathRefused as exc:
            raise Refused(str(exc)) from None
        data = (folder / relative).read_bytes()
        if len(data) > max_file_bytes():
            raise Refused(_("'%(path)s' is too large for a draft.", path=path))
        if is_picture(path) and picture_problem(path, data):
            raise Refused(picture_problem(path, data))
        files[path] = data
    return files


def import_into_app(authored: Authored, files: dict[str, bytes] | None, *, actor: User) -> None:
    """Manage the course in the app from now on (the sync will refuse it). ``files``: the
    course folder to start the draft from; None keeps the draft the app has."""
    course = authored.course
    workspace = authored.workspace
    if workspace is None:
        workspace = Workspace(
            course_id=course.id,
            owners=list(authored.owners),
            created_by_id=actor.id,
            updated_by_id=actor.id,
        )
        db.session.add(workspace)
        db.session.flush()
        authored = Authored(course, workspace, authored.owners)
    course.managed_in = MANAGED_IN_APP
    audit.record("authoring.imported", actor=actor, course=course.slug, from_folder=bool(files))
    if files is None:
        db.session.commit()
        return
    try:
        replace_all(authored, files, actor=actor, action="authoring.folder_imported")
    except Refused:
        db.session.rollback()
        raise


def add_owner(authored: Authored, email: str, *, actor: User) -> None:
    """Add ``email`` (an educator's or site admin's account) to ``owners`` in the draft's
    course.md. Raises Refused when there is no such account or course.md cannot be read."""
    email = email.strip().lower()
    person = db.session.scalar(select(User).where(User.email == email))
    if person is None:
        raise Refused(_("There is no account with the e-mail address %(email)s.", email=email))
    if not person.has_role(Role.educator, Role.site_admin):
        raise Refused(
            _(
                "%(email)s is not an educator: give them the educator role under People first.",
                email=email,
            )
        )
    row = file(authored.workspace, COURSE_FILE)
    text = row.data.decode("utf-8", "replace") if row is not None else ""
    owners = read_owners(text) if row is not None else None
    if owners is None:
        raise Refused(_("course.md cannot be read: fix its front matter first."))
    if email in owners:
        raise Refused(_("%(email)s is an owner already.", email=email))
    updated = set_keys(text, {"owners": [*owners, email]})
    save_text(authored, COURSE_FILE, updated, revision=row.revision, actor=actor, commit=False)
    audit.record("authoring.owner_added", actor=actor, subject=person, course=authored.course.slug)
    db.session.commit()
