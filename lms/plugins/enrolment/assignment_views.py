"""A centre admin changes one assignment: a new due date, or withdrawn, each with a reason.

A centre admin reaches their own centre's assignments only; a site admin any. The services
(:mod:`.requested`) keep the records: a new due date is a new row, a withdrawal a state.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms import clock
from lms.access import roles_required
from lms.confirm import confirmation_page, confirmed
from lms.extensions import db
from lms.models import Role
from lms.plugins.enrolment import requested
from lms.plugins.enrolment.blueprint import bp
from lms.plugins.enrolment.forms import AssignmentDueForm, AssignmentWithdrawForm
from lms.plugins.enrolment.models import Assignment

ADMINS = (Role.centre_admin, Role.site_admin)


def _assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    actor = current_user._get_current_object()
    if assignment is None:
        abort(404)
    if not actor.has_role(Role.site_admin) and (
        actor.centre_id is None or assignment.centre_id != actor.centre_id
    ):
        abort(404)
    return assignment


def _back(assignment: Assignment) -> str:
    if current_user.has_role(Role.site_admin) and assignment.centre_id is not None:
        from lms.models import Centre

        centre = db.session.get(Centre, assignment.centre_id)
        return url_for("enrolment.assignments", centre=centre.slug)
    return url_for("enrolment.assignments")


def _title(assignment: Assignment) -> str:
    """The course's title in the page's language (its address when nothing is published)."""
    version = assignment.course.published_version
    if version is None:
        return assignment.course.slug
    return version.text(str(get_locale()))["title"]


@bp.route("/centre/assignments/<int:assignment_id>", methods=["GET", "POST"], endpoint="assignment")
@roles_required(*ADMINS)
def assignment_page(assignment_id: int):
    assignment = _assignment(assignment_id)
    actor = current_user._get_current_object()
    form = AssignmentDueForm()
    if not form.is_submitted():
        form.due_on.data = assignment.due_on
    if form.validate_on_submit():
        try:
            requested.redate(
                assignment, actor=actor, due_on=form.due_on.data, reason=form.reason.data
            )
        except requested.PastDueDate:
            form.due_on.errors = [
                _(
                    "The due date %(date)s is in the past; choose today or a later date.",
                    date=format_date(form.due_on.data),
                )
            ]
        except requested.AlreadyWithdrawn:
            flash(_("This assignment was withdrawn; nothing was changed."), "warning")
            return redirect(_back(assignment))
        else:
            db.session.commit()
            flash(_("The new due date is recorded."), "success")
            return redirect(_back(assignment))
    return render_template(
        "enrolment/assignment.html",
        assignment=assignment,
        form=form,
        withdraw_form=AssignmentWithdrawForm(formdata=None),
        today=clock.local_today(),
        back=_back(assignment),
        course_title=_title(assignment),
    ), 422 if form.errors else 200


@bp.route(
    "/centre/assignments/<int:assignment_id>/withdraw",
    methods=["POST"],
    endpoint="withdraw_assignment",
)
@roles_required(*ADMINS)
def withdraw_assignment(assignment_id: int):
    assignment = _assignment(assignment_id)
    form = AssignmentWithdrawForm()
    if not form.validate_on_submit():
        flash(_("Type the reason for withdrawing the assignment; nothing was changed."), "error")
        return redirect(url_for("enrolment.assignment", assignment_id=assignment.id))
    reason = form.reason.data.strip()
    if not assignment.is_withdrawn and not confirmed():
        return confirmation_page(
            title=_("Withdraw the assignment of %(name)s?", name=assignment.user.name),
            consequences=[
                _(
                    "%(name)s no longer has to complete %(course)s; their enrolment, attempts "
                    "and certificates are kept.",
                    name=assignment.user.name,
                    course=_title(assignment),
                ),
                _("Your reason, kept in the audit trail: %(reason)s", reason=reason),
            ],
            action=url_for("enrolment.withdraw_assignment", assignment_id=assignment.id),
            button=_("Withdraw the assignment"),
            back=url_for("enrolment.assignment", assignment_id=assignment.id),
            fields={"reason": reason},
        )
    try:
        requested.withdraw(assignment, actor=current_user._get_current_object(), reason=reason)
    except requested.AlreadyWithdrawn:
        flash(_("This assignment was withdrawn already."), "warning")
    else:
        db.session.commit()
        flash(_("The assignment is withdrawn."), "success")
    return redirect(_back(assignment))
