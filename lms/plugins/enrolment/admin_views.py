"""Centre pages: assign mandatory courses, set enrolment keys (the staff import is in
:mod:`lms.plugins.enrolment.import_views`).

A centre admin acts on their own centre only; a site admin picks any centre with the
``centre`` query parameter. People are checked against the centre in the services too,
so a forged form field cannot reach another centre's staff.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from lms import people
from lms.access import roles_required
from lms.content.choices import published_course_choices
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import Centre, Role
from lms.params import search_term
from lms.plugins.enrolment import assignments, keys
from lms.plugins.enrolment.blueprint import bp
from lms.plugins.enrolment.forms import AssignForm, CourseKeyForm
from lms.plugins.enrolment.models import CourseKey

ADMINS = (Role.centre_admin, Role.site_admin)


def _centre() -> Centre:
    user = current_user._get_current_object()
    if not user.has_role(Role.site_admin):  # a centre admin: their own, whatever else
        if user.centre is None:
            abort(403)
        return user.centre
    slug = request.args.get("centre")
    query = select(Centre).order_by(Centre.name)
    if slug:
        centre = db.session.scalar(select(Centre).where(Centre.slug == slug))
        if centre is None:
            abort(404)
        return centre
    return user.centre or db.session.scalars(query).first()


def _centres() -> list[Centre]:
    if not current_user.has_role(Role.site_admin):
        return []
    return list(db.session.scalars(select(Centre).order_by(Centre.name)))


def _published_courses() -> list[SelectChoice]:
    return published_course_choices()


def _here(endpoint: str, centre: Centre) -> str:
    if current_user.has_role(Role.site_admin):
        return url_for(endpoint, centre=centre.slug)
    return url_for(endpoint)


@bp.route("/centre/assignments", methods=["GET", "POST"], endpoint="assignments")
@roles_required(*ADMINS)
def assignments_page():
    centre = _centre()
    actor = current_user._get_current_object()
    form = AssignForm()
    form.course.choices = _published_courses()
    # The person picker: a search by name or e-mail (a GET form, no JavaScript needed),
    # not a list of everyone at the centre.
    person_q = search_term("person_q")
    found = people.search(centre.id, person_q)
    form.person.choices = [
        SelectChoice(0, _("Choose a person") if found else _("Search for the person first"))
    ] + [SelectChoice(u.id, f"{u.name} ({u.email})") for u in found]
    form.person.validate_choice = False  # the service refuses people of other centres
    if form.validate_on_submit():
        try:
            users = assignments.people_at(
                centre.id,
                form.target.data,
                person_id=form.person.data,
                profession=form.profession.data,
            )
        except assignments.NotAtCentre:
            abort(403)
        course = db.session.get(Course, form.course.data)
        if not users:
            flash(_("Nobody at the centre matches; nothing was assigned."), "warning")
        else:
            try:
                result = assignments.assign(
                    course,
                    users,
                    actor=actor,
                    due_on=form.due_on.data,
                    new_due_date=form.new_due_date.data,
                    reason=(form.reason.data or "").strip() or None,
                )
            except assignments.Conflict:
                flash(_("Someone changed these enrolments at the same time; try again."), "error")
            else:
                flash(
                    ngettext(
                        "Assigned to %(num)d person (%(already)d already had it); "
                        "%(enrolled)d newly enrolled.",
                        "Assigned to %(num)d people (%(already)d already had it); "
                        "%(enrolled)d newly enrolled.",
                        result.assigned,
                        already=result.already,
                        enrolled=result.enrolled,
                    ),
                    "success",
                )
                return redirect(_here("enrolment.assignments", centre))
    return render_template(
        "enrolment/assignments.html",
        form=form,
        centre=centre,
        centres=_centres(),
        rows=assignments.listing(centre.id, str(get_locale())),
        person_q=person_q,
        found=found,
        limit=assignments.LIST_LIMIT,
    ), 422 if form.errors else 200


def _manageable_courses() -> list[tuple[Course, CourseVersion]]:
    """Site admins: every course. Educators: the courses that name them as owner."""
    user = current_user._get_current_object()
    rows = db.session.execute(
        select(Course, CourseVersion)
        .join(
            CourseVersion,
            CourseVersion.id
            == func.coalesce(Course.published_version_id, Course.latest_version_id),
        )
        .order_by(CourseVersion.title)
    ).all()
    if user.has_role(Role.site_admin):
        return rows
    return [(c, v) for c, v in rows if user.email.lower() in (v.owners or [])]


@bp.route("/centre/course-keys", methods=["GET", "POST"])
@roles_required(Role.site_admin, Role.educator)
def course_keys():
    courses = _manageable_courses()
    lang = str(get_locale())
    form = CourseKeyForm()
    form.course.choices = [SelectChoice(c.id, v.text(lang)["title"]) for c, v in courses]
    if form.validate_on_submit():
        course, version = next((c, v) for c, v in courses if c.id == form.course.data)
        if form.clear.data or keys.takes_key(version):
            keys.set_app_key(course, None if form.clear.data else form.key.data, actor=current_user)
            flash(
                _("The enrolment key is saved.")
                if not form.clear.data
                else _("The key set here is removed."),
                "success",
            )
            return redirect(url_for("enrolment.course_keys"))
        # The course file decides who may enrol; a key here would change nothing.
        form.course.errors.append(
            _(
                "Learners do not enrol in this course with a key: its course.md says "
                "“enrolment: %(mode)s”. To require a key, write “enrolment: key” in course.md "
                "and publish a new version.",
                mode=version.enrolment,
            )
        )
    newest = select(func.max(CourseKey.id)).group_by(CourseKey.course_id)
    in_force = {
        k.course_id: k
        for k in db.session.scalars(select(CourseKey).where(CourseKey.id.in_(newest)))
    }
    return render_template(
        "enrolment/course_keys.html", form=form, courses=courses, keys=in_force, lang=lang
    ), 422 if form.errors else 200
