"""The staff import: upload (XLSX or CSV) -> preview row by row -> confirm; job titles.

``/centre/import``: upload; the answer is the preview of what would happen (nothing is
written but the draft). ``/centre/import/<id>``: the preview again (GET) or the confirmation
(POST). ``/centre/import/<id>/title``: map an unknown job title (a site admin for the whole
site, a centre admin for this file). ``/centre/job-titles``: the site's table (site admins).
A draft is seen and confirmed only by the admin who uploaded it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import roles_required
from lms.content.models import Course
from lms.extensions import db
from lms.labels import PROFESSION_LABELS
from lms.models import Centre, Profession, Role
from lms.plugins.enrolment import assignments, importer, titles
from lms.plugins.enrolment.admin_views import ADMINS, _centre, _centres, _published_courses
from lms.plugins.enrolment.blueprint import bp
from lms.plugins.enrolment.forms import ConfirmImportForm, ImportForm, JobTitleForm
from lms.plugins.enrolment.models import ImportBatch


@bp.route("/centre/import", methods=["GET", "POST"], endpoint="import_csv")
@roles_required(*ADMINS)
def import_page():
    centre = _centre()
    actor = current_user._get_current_object()
    form = ImportForm()
    form.course.choices = _published_courses()
    problems: list[str] = []
    if form.validate_on_submit():
        data, error = importer.read_upload(form.file.data.stream)
        try:
            parsed = importer.parse(data) if data is not None else None
        except importer.Unreadable as exc:
            error = str(exc)
        if error:
            problems = [error]
        else:
            batch = importer.stage(
                parsed,
                centre=centre,
                actor=actor,
                course=db.session.get(Course, form.course.data),
                assign=form.assign.data,
                due_on=form.due_on.data,
                file_name=form.file.data.filename,
            )
            return _preview(batch)
    status = 422 if (form.errors or problems) else 200
    return render_template(
        "enrolment/import.html",
        form=form,
        centre=centre,
        centres=_centres(),
        problems=problems,
        max_rows=importer.max_rows(),
        max_kb=importer.max_bytes() // 1024,
    ), status


def _batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.actor_id != current_user.id:
        abort(404)
    if not current_user.has_role(Role.site_admin) and batch.centre_id != current_user.centre_id:
        abort(404)
    return batch


def _preview(batch: ImportBatch, form: ConfirmImportForm | None = None, extra=()):
    actor = current_user._get_current_object()
    checked = importer.plan(batch, actor)
    problems = [*extra, *checked.problems]
    return render_template(
        "enrolment/import_preview.html",
        batch=batch,
        plan=checked,
        problems=problems,
        form=form or ConfirmImportForm(),
        title_form=JobTitleForm(),
        professions=PROFESSION_LABELS,
        course_title=_course_title(batch.course_id),
        site_wide=actor.has_role(Role.site_admin),
    ), 422 if request.method == "POST" and (problems or (form and form.errors)) else 200


def _course_title(course_id: int) -> str:
    course = db.session.get(Course, course_id)
    if course.published_version is None:
        return course.slug
    return course.published_version.text(str(get_locale()))["title"]


@bp.route("/centre/import/<int:batch_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def import_preview(batch_id: int):
    batch = _batch(batch_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return _preview(batch, form)
    actor = current_user._get_current_object()
    checked = importer.plan(batch, actor)
    if checked.problems:
        return _preview(batch, form)
    if checked.moves and not form.move.data:
        message = _(
            "Tick the box to move the people from other centres, or take them out of the file."
        )
        form.move.errors.append(message)
        return _preview(batch, form)
    course = db.session.get(Course, batch.course_id)
    centre_slug = db.session.get(Centre, batch.centre_id).slug
    rows = len(checked.rows)
    try:
        done = importer.apply(batch, checked, course, actor=actor)
    except assignments.Conflict:
        db.session.expire_all()
        extra = [
            _(
                "Someone changed these accounts at the same time; nothing was imported. "
                "Check the rows again."
            )
        ]
        return _preview(_batch(batch_id), form, extra)
    flash(
        _(
            "%(imported)s: %(created)s, %(enrolled)s, %(assigned)s.",
            imported=ngettext("Imported %(num)d person", "Imported %(num)d people", rows),
            created=ngettext(
                "%(num)d new account invited", "%(num)d new accounts invited", len(done.created)
            ),
            enrolled=ngettext("%(num)d newly enrolled", "%(num)d newly enrolled", done.enrolled),
            assigned=ngettext("%(num)d assigned", "%(num)d assigned", done.assigned),
        ),
        "success",
    )
    if current_user.has_role(Role.site_admin):
        return redirect(url_for("enrolment.import_csv", centre=centre_slug))
    return redirect(url_for("enrolment.import_csv"))


@bp.route("/centre/import/<int:batch_id>/title", methods=["POST"])
@roles_required(*ADMINS)
def import_title(batch_id: int):
    batch = _batch(batch_id)
    form = JobTitleForm()
    if not form.validate_on_submit():
        return _preview(batch, extra=[_("Choose a profession for the job title.")])
    profession = Profession(form.profession.data)
    actor = current_user._get_current_object()
    if actor.has_role(Role.site_admin):
        titles.save(form.title.data, profession, actor=actor)
    else:
        batch.titles = {**batch.titles, titles.key(form.title.data): profession.value}
    db.session.commit()
    flash(
        _(
            "“%(title)s” now counts as %(profession)s.",
            title=form.title.data,
            profession=PROFESSION_LABELS[profession],
        ),
        "success",
    )
    return redirect(url_for("enrolment.import_preview", batch_id=batch.id))


@bp.route("/centre/job-titles", methods=["GET", "POST"])
@roles_required(Role.site_admin)
def job_titles():
    form = JobTitleForm()
    if form.validate_on_submit():
        titles.save(form.title.data, Profession(form.profession.data), actor=current_user)
        db.session.commit()
        flash(_("The job title is saved."), "success")
        return redirect(url_for("enrolment.job_titles"))
    return render_template(
        "enrolment/job_titles.html",
        form=form,
        site_titles=titles.site_titles(),
        built_in=sorted(titles.BUILT_IN.items()),
        professions=PROFESSION_LABELS,
        profession=Profession,
    ), 422 if form.errors else 200
