"""Learner pages: enrol, leave, mark a module done, move version, the dashboard /me/.

Thin: look up, call a service, say what happened. The course and module pages belong to
the catalogue, so after a POST we go back to their public URLs.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import events
from lms.access import login_required, public
from lms.auth import services as auth_services
from lms.auth.forms import ResetPasswordForm
from lms.confirm import confirmation_page, confirmed
from lms.content.models import Course, Quiz
from lms.extensions import client_address, db, limiter
from lms.plugins.enrolment import invitations, services, state, versions
from lms.plugins.enrolment.blueprint import bp
from lms.plugins.enrolment.forms import EnrolForm


def course_url(slug: str) -> str:
    return f"{request.script_root}/courses/{slug}/"


def module_url(slug: str, module: str) -> str:
    return f"{request.script_root}/courses/{slug}/{module}/"


def _course_or_404(slug: str) -> Course:
    course = services.course_by_slug(slug)
    if course is None:
        abort(404)
    return course


def _title(course: Course) -> str:
    version = course.published_version or course.latest_version
    return version.text(str(get_locale()))["title"] if version else course.slug


def _key_limit() -> str:
    return current_app.config.get("LMS_ENROL_KEY_LIMIT", "10 per minute")


def _per_user() -> str:
    return f"enrol:{getattr(current_user, 'id', None) or client_address()}"


@bp.route("/courses/<course>/enrol", methods=["POST"])
@login_required
@limiter.limit(
    _key_limit, key_func=_per_user, methods=["POST"], deduct_when=lambda r: r.status_code == 422
)
def enrol(course: str):
    found = _course_or_404(course)
    user = current_user._get_current_object()
    if services.active_enrolment(user.id, found.id) is not None:
        flash(_("You are already enrolled in this course."), "info")
        return redirect(course_url(course))
    form = EnrolForm()
    published = found.published_version
    needs_key = published is not None and published.enrolment == "key"
    if form.validate_on_submit():
        try:
            services.safe_enrol(user, found, key=form.key.data)
        except services.EnrolmentRefused as exc:
            if not needs_key:
                flash(str(exc), "error")
                return redirect(course_url(course))
            form.key.errors.append(str(exc))
        else:
            flash(_("You are enrolled in %(title)s.", title=_title(found)), "success")
            return redirect(course_url(course))
    page = render_template("enrolment/enrol.html", form=form, slug=course, title=_title(found))
    return page, 422


@bp.route("/courses/<course>/unenrol", methods=["POST"])
@login_required
def unenrol(course: str):
    found = _course_or_404(course)
    user = current_user._get_current_object()
    current = state.state_of(user.id, found.id)
    if current is not None and current.assigned and current.completion is None:
        flash(_("Your centre has assigned this course to you; you cannot leave it."), "error")
    elif current is not None and current.enrolment.is_active and not confirmed():
        return confirmation_page(
            title=_("Leave %(title)s?", title=_title(found)),
            consequences=[
                _("The course leaves your list of courses."),
                _(
                    "Your progress, quiz attempts and any certificate are kept; if you enrol "
                    "again you continue where you left off."
                ),
            ],
            action=url_for("enrolment.unenrol", course=course),
            button=_("Leave the course"),
            back=course_url(course),
        )
    elif services.unenrol(user, found):
        flash(_("You have left %(title)s. Your progress is kept.", title=_title(found)), "info")
    else:
        flash(_("You are not enrolled in this course."), "info")
    return redirect(course_url(course))


@bp.route("/courses/<course>/<module>/complete", methods=["POST"])
@login_required
def complete_module(course: str, module: str):
    found = _course_or_404(course)
    user = current_user._get_current_object()
    enrolment = services.active_enrolment(user.id, found.id)
    if enrolment is None:
        flash(_("Enrol in the course first."), "error")
        return redirect(course_url(course))
    versions.follow_minor(enrolment)
    row = services.module_in_version(enrolment.version_id, module)
    if row is None:
        if versions.major_notice(enrolment) is not None:
            flash(_("Move to the new version of the course first."), "error")
            return redirect(course_url(course))
        abort(404)
    if db.session.scalar(select(Quiz.id).where(Quiz.module_id == row.id)) is not None:
        flash(_("This module is done when its quiz is passed."), "error")
        return redirect(module_url(course, module))
    marked = services.mark_done(enrolment, row, source="reading")
    if marked.completion_id is not None:
        flash(_("You have completed %(title)s.", title=_title(found)), "success")
    elif marked.progress_id is None:
        flash(_("This module was already done."), "info")
    else:
        flash(_("Module marked as done."), "success")
    return redirect(module_url(course, module))


@bp.route("/courses/<course>/move-version", methods=["POST"])
@login_required
def move_version(course: str):
    found = _course_or_404(course)
    enrolment = services.active_enrolment(current_user.id, found.id)
    notice = versions.major_notice(enrolment) if enrolment is not None else None
    if notice is None:
        flash(_("There is no newer version to move to."), "info")
    elif versions.move(enrolment, notice.version):
        flash(_("You are now on version %(version)s.", version=notice.version.version), "success")
    return redirect(course_url(course))


@bp.route("/me/")
@login_required
def dashboard():
    user_id = current_user.id
    states = state.states_for(state.load_enrolments(user_id))
    working = [s for s in states if s.enrolment.is_active and (s.completion is None or s.notice)]
    completed = sorted(
        ((s, c) for s in states for c in s.completions),
        key=lambda pair: pair[1].completed_at,
        reverse=True,
    )
    left = [s for s in states if not s.enrolment.is_active and not s.completions]
    panels = events.panels(events.dashboard_panels, events.Dashboard(user_id=user_id))
    return render_template(
        "enrolment/dashboard.html",
        working=working,
        completed=completed,
        left=left,
        panels=panels,
        lang=str(get_locale()),
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """The invited person sees who enrolled them where, chooses a password and is signed
    in. The link works while the account has no password (see :mod:`.invitations`)."""
    user = invitations.invited_user(token)
    if user is None:
        return render_template("enrolment/invitation_invalid.html"), 400
    form = ResetPasswordForm()
    form.user_email, form.user_name = user.email, user.name
    if form.validate_on_submit():
        auth_services.reset_password(user, form.password.data)
        auth_services.start_session(user)
        flash(_("Your password is set and you are signed in."), "success")
        return redirect(url_for("enrolment.dashboard"))
    facts = invitations.invitation_facts(user, str(get_locale()))
    status = 422 if form.errors else 200
    return render_template("enrolment/invitation.html", form=form, facts=facts), status
