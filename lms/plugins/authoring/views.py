"""The course list, a new course, a course's page, the check, publishing, owners, import.

Thin: ``access`` decides who may see a course (a course you may not author is a 404),
``services``, ``uploads`` and ``publishing`` make the changes.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import roles_required
from lms.content import frontmatter as fm
from lms.content.models import CourseVersion
from lms.extensions import db
from lms.models import Role, User
from lms.plugins.authoring import access, checking, publishing, services, uploads
from lms.plugins.authoring.blueprint import bp
from lms.plugins.authoring.coursefile import COURSE_FILE
from lms.plugins.authoring.forms import (
    ConfirmForm,
    NewCourseForm,
    OwnerForm,
    PublishForm,
)
from lms.plugins.authoring.messages import translate
from lms.plugins.authoring.paths import is_text

AUTHORS = access.AUTHORS


def user() -> User:
    return current_user._get_current_object()


def lang() -> str:
    return str(get_locale())


def authored_or_404(slug: str, *, lock: bool = False) -> access.Authored:
    found = access.find(slug, user(), lock=lock)
    if found is None:
        abort(404)
    return found


def editable_or_redirect(authored: access.Authored):
    """None when the draft may be changed, else a redirect to the course page with why."""
    if authored.editable:
        return None
    flash(_("This course is managed in courses/: import it into the app to edit it here."), "error")
    return redirect(url_for("authoring.course", course=authored.course.slug))


def problem_rows(slug: str, problems, existing=None) -> list[dict]:
    """Problems as pages show them: translated, linked to their line in the file's editor
    (Markdown files in ``existing``, when given; a picture or a missing file has none)."""
    return [
        {
            "problem": p,
            "shown": translate(p.message),
            "url": url_for("authoring.edit", course=slug, path=p.path, _anchor=f"L{p.line}")
            if is_text(p.path) and (existing is None or p.path in existing)
            else None,
        }
        for p in problems
    ]


def title_of(authored: access.Authored, loaded: checking.Loaded | None) -> str:
    """The course's title: the draft's (even while it has problems), else the stored one."""
    if loaded is not None and loaded.doc is not None:
        return loaded.doc.translated(lang()).title
    if authored.workspace is not None:
        row = services.file(authored.workspace, COURSE_FILE)
        title = row and fm.parse(row.data.decode("utf-8", "replace"), fm.Kind.COURSE, COURSE_FILE)
        if title and isinstance(title.values.get("title"), str):
            return title.values["title"]
    latest = authored.course.latest_version
    return latest.text(lang())["title"] if latest else authored.course.slug


@bp.route("/")
@roles_required(*AUTHORS)
def index():
    return render_template("authoring/index.html", entries=access.listing(user(), lang()))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new():
    form = NewCourseForm()
    if form.validate_on_submit():
        try:
            services.create_course(
                slug=form.slug.data,
                title=form.title.data.strip(),
                summary=" ".join(form.summary.data.split()),
                audiences=form.audiences.data,
                language=form.language.data,
                estimated_minutes=form.estimated_minutes.data,
                actor=user(),
            )
        except services.Refused as refused:
            form.slug.errors = [*form.slug.errors, str(refused)]
        else:
            flash(_("The course is made. Next: write its first module."), "success")
            return redirect(url_for("authoring.course", course=form.slug.data))
    return render_template("authoring/new.html", form=form), 422 if form.errors else 200


def _versions(course_id: int) -> list[CourseVersion]:
    return list(
        db.session.scalars(
            select(CourseVersion)
            .where(CourseVersion.course_id == course_id)
            .order_by(CourseVersion.id.desc())
        )
    )


@bp.route("/<course>/")
@roles_required(*AUTHORS)
def course(course: str):
    authored = authored_or_404(course)
    loaded = checking.load_draft(authored.workspace) if authored.workspace else None
    files = authored.workspace.files if authored.workspace else []
    counts = {}
    if loaded is not None:
        for problem in loaded.problems_to_show:
            counts[problem.path] = counts.get(problem.path, 0) + 1
    latest = authored.course.latest_version
    unpublished = loaded is not None and (
        loaded.doc is None or latest is None or loaded.doc.content_hash != latest.content_hash
    )
    return render_template(
        "authoring/course.html",
        authored=authored,
        title=title_of(authored, loaded),
        loaded=loaded,
        files=files,
        counts=counts,
        unpublished=unpublished,
        versions=_versions(authored.course.id),
        server_folder=uploads.server_folder(course) is not None,
        owner_form=OwnerForm(),
        confirm=ConfirmForm(),
        is_text=is_text,
    )


@bp.route("/<course>/check")
@roles_required(*AUTHORS)
def check(course: str):
    authored = authored_or_404(course)
    if authored.workspace is None:
        abort(404)
    loaded = checking.load_draft(authored.workspace)
    return render_template(
        "authoring/check.html",
        authored=authored,
        title=title_of(authored, loaded),
        loaded=loaded,
        rows=problem_rows(course, loaded.problems_to_show, checking.paths(authored.workspace)),
    )


@bp.route("/<course>/publish", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def publish(course: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = PublishForm()
    newest = publishing.newest_version(authored.course.id)
    refusal, problems, status = None, [], 200
    if form.validate_on_submit():
        try:
            version = publishing.publish(
                authored,
                kind=form.kind.data if newest else None,
                note=form.note.data or "",
                revision=int(form.revision.data) if (form.revision.data or "").isdigit() else 0,
                actor=user(),
            )
        except publishing.HasProblems as refused:
            refusal, problems, status = str(refused), refused.problems, 422
        except services.Refused as refused:
            refusal, status = str(refused), 409
        else:
            flash(_("Version %(version)s is published.", version=version.version), "success")
            return redirect(url_for("authoring.course", course=course))
    elif form.errors:
        status = 422
    db.session.refresh(authored.workspace)
    loaded = checking.load_draft(authored.workspace)
    form.revision.data = str(authored.workspace.revision)
    nexts = {kind: publishing.next_version(newest, kind) for kind in publishing.KINDS}
    return render_template(
        "authoring/publish.html",
        authored=authored,
        title=title_of(authored, loaded),
        loaded=loaded,
        form=form,
        newest=newest,
        nexts=nexts,
        refusal=refusal,
        rows=problem_rows(course, problems or loaded.errors, checking.paths(authored.workspace)),
    ), status


@bp.route("/<course>/owners", methods=["POST"])
@roles_required(Role.site_admin)
def add_owner(course: str):
    authored = authored_or_404(course)
    redirected = editable_or_redirect(authored)
    if redirected:
        return redirected
    form = OwnerForm()
    if form.validate_on_submit():
        try:
            uploads.add_owner(authored, form.email.data, actor=user())
        except services.Refused as refused:
            flash(str(refused), "error")
        else:
            flash(_("%(email)s is an owner now.", email=form.email.data.strip().lower()), "success")
    else:
        flash(_("Type the e-mail address of the educator to add."), "error")
    return redirect(url_for("authoring.course", course=course))


@bp.route("/<course>/import", methods=["POST"])
@roles_required(*AUTHORS)
def import_course(course: str):
    authored = authored_or_404(course)
    if authored.in_app or not ConfirmForm().validate_on_submit():
        return redirect(url_for("authoring.course", course=course))
    folder = uploads.server_folder(course)
    try:
        files = uploads.read_folder(folder) if folder is not None else None
        uploads.import_into_app(authored, files, actor=user())
    except services.Refused as refused:
        flash(str(refused), "error")
    else:
        flash(_("The course is managed in the app now."), "success")
    return redirect(url_for("authoring.course", course=course))
