"""The draft's Markdown files: write and edit them, rename and delete files."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.access import roles_required
from lms.plugins.authoring import checking, services
from lms.plugins.authoring.blueprint import bp
from lms.plugins.authoring.forms import (
    DeleteForm,
    NewFileForm,
    RenameForm,
    TextFileForm,
)
from lms.plugins.authoring.paths import is_text
from lms.plugins.authoring.views import (
    AUTHORS,
    authored_or_404,
    editable_or_redirect,
    problem_rows,
    user,
)


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
    if request.method == "GET" and request.args.get("name"):
        form.name.data = request.args["name"][:200]  # e.g. the first module's suggested name
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
