"""Files that come as bytes: pictures and ZIP uploads, the draft as a ZIP, and the draft's
files served to the preview."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.access import roles_required
from lms.plugins.authoring import archive, checking, services, uploads
from lms.plugins.authoring.blueprint import bp
from lms.plugins.authoring.forms import PictureForm, ZipForm
from lms.plugins.authoring.paths import is_picture
from lms.plugins.authoring.views import AUTHORS, authored_or_404, editable_or_redirect, user

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


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
        except services.Refused as refused:  # PathRefused is one too
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
            refused = uploads.pictures_refused(course, files)
            if refused:
                raise archive.ZipRefused("; ".join(refused))
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
