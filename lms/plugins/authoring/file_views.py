"""The draft's files: write and edit Markdown, rename, delete, upload pictures and ZIPs,
download the draft as a ZIP, and serve its pictures to the preview."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.access import roles_required
from lms.plugins.authoring import archive, checking, services, uploads
from lms.plugins.authoring.blueprint import bp
from lms.plugins.authoring.forms import (
    DeleteForm,
    NewFileForm,
    PictureForm,
    RenameForm,
    TextFileForm,
    ZipForm,
)
from lms.plugins.authoring.paths import PathRefused, is_picture, is_text
from lms.plugins.authoring.views import (
    AUTHORS,
    authored_or_404,
    editable_or_redirect,
    problem_rows,
    user,
)

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _revision(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _lines(text: str, problems) -> list[tuple[int, str, list]]:
    by_line: dict[int, list] = {}
    for row in problems:
        by_line.setdefault(row["problem"].line, []).append(row)
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the newline that ends the file starts no line of its own
    return [(n, line, by_line.get(n, [])) for n, line in enumerate(lines, start=1)]


def _edit_page(authored, path: str, form, *, theirs=None, conflict=None, status=200):
    loaded = checking.load_draft(authored.workspace)
    rows = problem_rows(authored.course.slug, loaded.for_file(path))
    stored = services.file(authored.workspace, path)
    text = stored.data.decode("utf-8", "replace") if stored is not None and is_text(path) else ""
    return render_template(
        "authoring/edit.html" if is_text(path) else "authoring/picture.html",
        authored=authored,
        path=path,
        form=form,
        stored=stored,
        rows=rows,
        lines=_lines(text, rows),
        theirs=theirs,
        theirs_text=theirs.data.decode("utf-8", "replace") if theirs is not None else None,
        conflict=conflict,
        rename_form=RenameForm(name=path),
    ), status


@bp.route("/<course>/files/<path:path>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit(course: str, path: str):
    authored = authored_or_404(course)
    if authored.workspace is None:
        abort(404)
    stored = services.file(authored.workspace, path)
    if request.method == "GET":
        if stored is None:
            abort(404)
        text = stored.data.decode("utf-8", "replace") if is_text(path) else ""
        form = TextFileForm(text=text, revision=str(stored.revision))
        return _edit_page(authored, path, form)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = TextFileForm()
    if not is_text(path):
        abort(404)
    if not form.validate_on_submit():
        return _edit_page(authored, path, form, status=400)
    try:
        services.save_text(
            authored,
            path,
            form.text.data or "",
            revision=_revision(form.revision.data),
            actor=user(),
        )
    except services.Conflict as conflict:
        # Theirs is stored; yours stays in the form. Saving again now replaces theirs.
        form.revision.data = str(conflict.theirs.revision) if conflict.theirs else ""
        return _edit_page(
            authored, path, form, theirs=conflict.theirs, conflict=str(conflict), status=409
        )
    except services.Refused as refused:
        form.text.errors = [str(refused)]
        return _edit_page(authored, path, form, status=422)
    flash(_("%(path)s is saved.", path=path), "success")
    return redirect(url_for("authoring.edit", course=course, path=path))


@bp.route("/<course>/new-file", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_file(course: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = NewFileForm()
    if form.validate_on_submit():
        try:
            row = services.save_text(
                authored, form.name.data, form.text.data or "", revision=None, actor=user()
            )
        except services.Refused as refused:
            form.name.errors = [str(refused)]
        else:
            flash(_("%(path)s is saved.", path=row.path), "success")
            return redirect(url_for("authoring.edit", course=course, path=row.path))
    return render_template(
        "authoring/new_file.html", authored=authored, form=form
    ), 422 if form.errors else 200


@bp.route("/<course>/rename/<path:path>", methods=["POST"])
@roles_required(*AUTHORS)
def rename(course: str, path: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = RenameForm()
    if form.validate_on_submit():
        try:
            new_path = services.rename(
                authored,
                path,
                form.name.data,
                revision=_revision(form.revision.data) or 0,
                actor=user(),
            )
        except services.Refused as refused:
            flash(str(refused), "error")
        else:
            flash(_("%(old)s is now called %(new)s.", old=path, new=new_path), "success")
            if is_text(new_path):
                return redirect(url_for("authoring.edit", course=course, path=new_path))
    return redirect(url_for("authoring.course", course=course))


@bp.route("/<course>/delete/<path:path>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def delete(course: str, path: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    stored = services.file(authored.workspace, path)
    if stored is None:
        abort(404)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            services.remove(
                authored, path, revision=_revision(form.revision.data) or 0, actor=user()
            )
        except services.Refused as refused:
            flash(str(refused), "error")
        else:
            flash(_("%(path)s is deleted from the draft.", path=path), "success")
        return redirect(url_for("authoring.course", course=course))
    form.revision.data = str(stored.revision)
    return render_template("authoring/delete.html", authored=authored, path=path, form=form)


def _read_upload(storage, limit: int) -> bytes | None:
    """The uploaded bytes, or None when there are more than ``limit`` (read no further)."""
    data = storage.stream.read(limit + 1)
    return None if len(data) > limit else data


def picture_name(filename: str) -> str:
    """An uploaded picture's name in the course: images/ + a plain version of its name."""
    base = unicodedata.normalize("NFC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = re.sub(r"[^\w.-]+", "-", base.strip().lower()).strip("-.")
    return f"images/{base or 'picture'}"


@bp.route("/<course>/upload-picture", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def upload_picture(course: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = PictureForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = _read_upload(storage, services.max_file_bytes())
        name = (form.name.data or "").strip() or picture_name(storage.filename)
        try:
            if data is None:
                raise services.Refused(
                    _("The picture is larger than %(kb)d kB.", kb=services.max_file_bytes() // 1024)
                )
            path = uploads.put_picture(authored, name, data, actor=user())
        except (services.Refused, PathRefused) as refused:
            form.file.errors = [str(refused)]
        else:
            flash(
                _("%(path)s is saved. Show it with ![what it shows](%(path)s).", path=path),
                "success",
            )
            return redirect(url_for("authoring.course", course=course))
    return render_template(
        "authoring/upload_picture.html",
        authored=authored,
        form=form,
        max_kb=services.max_file_bytes() // 1024,
    ), 422 if form.errors else 200


@bp.route("/<course>/upload-zip", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def upload_zip(course: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = ZipForm()
    max_zip, max_files, max_unpacked = archive.limits()
    if form.validate_on_submit():
        data = _read_upload(form.file.data, max_zip)
        try:
            if data is None:
                raise archive.ZipRefused(
                    _("The ZIP is larger than %(mb)d MB.", mb=max_zip // (1024 * 1024))
                )
            files = archive.read_zip(data)
            summary = uploads.replace_all(
                authored, files, actor=user(), action="authoring.zip_uploaded"
            )
        except (archive.ZipRefused, services.Refused) as refused:
            form.file.errors = [_("Nothing was changed: %(reason)s", reason=str(refused))]
        else:
            flash(
                _(
                    "The draft is the ZIP's files now: %(added)d added, %(changed)d changed, "
                    "%(removed)d removed.",
                    added=len(summary["added"]),
                    changed=len(summary["changed"]),
                    removed=len(summary["removed"]),
                ),
                "success",
            )
            return redirect(url_for("authoring.course", course=course))
    return render_template(
        "authoring/upload_zip.html",
        authored=authored,
        form=form,
        max_mb=max_zip // (1024 * 1024),
        max_files=max_files,
        max_unpacked_mb=max_unpacked // (1024 * 1024),
    ), 422 if form.errors else 200


@bp.route("/<course>/draft.zip")
@roles_required(*AUTHORS)
def download(course: str):
    authored = authored_or_404(course)
    if authored.workspace is None:
        abort(404)
    data = archive.write_zip(course, checking.file_bytes(authored.workspace))
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{course}.zip"'},
    )


@bp.route("/<course>/raw/<path:path>")
@roles_required(*AUTHORS)
def raw(course: str, path: str):
    """A file of the draft as it is stored (the preview's pictures); owners only, never
    cached, never sniffed, an SVG in a sandbox."""
    authored = authored_or_404(course)
    stored = services.file(authored.workspace, path) if authored.workspace else None
    if stored is None:
        abort(404)
    if is_picture(path):
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    else:
        media_type = "text/plain; charset=utf-8"
    response = Response(stored.data, mimetype=media_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    if media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_CSP
    return response
