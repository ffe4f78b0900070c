"""Requirement pages: centre admins for their centre, site admins for any or every centre."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from lms.access import roles_required
from lms.confirm import confirmation_page, confirmed
from lms.content.choices import published_course_choices
from lms.extensions import db
from lms.models import Centre, Role
from lms.plugins.compliance import services
from lms.plugins.compliance.blueprint import bp
from lms.plugins.compliance.forms import RequirementForm, WithdrawForm
from lms.plugins.compliance.models import Requirement
from lms.text import one_line

ADMINS = (Role.centre_admin, Role.site_admin)


def centre_in_view() -> Centre | None:
    """The centre a page is about: a centre admin's own; for a site admin the ``centre``
    query parameter (404 when unknown), else their own or the first."""
    user = current_user._get_current_object()
    if not user.has_role(Role.site_admin):  # a centre admin: their own, whatever else
        if user.centre is None:
            abort(403)
        return user.centre
    slug = request.args.get("centre", type=str)
    if slug:
        centre = db.session.scalar(select(Centre).where(Centre.slug == slug[:100]))
        if centre is None:
            abort(404)
        return centre
    return user.centre or db.session.scalars(select(Centre).order_by(Centre.name)).first()


def all_centres() -> list[Centre]:
    if not current_user.has_role(Role.site_admin):
        return []
    return list(db.session.scalars(select(Centre).order_by(Centre.name)))


def published_courses() -> list[SelectChoice]:
    return published_course_choices()


def _form(centre: Centre) -> RequirementForm:
    form = RequirementForm()
    form.course.choices = published_courses()
    if current_user.has_role(Role.site_admin):
        form.centre.choices = [SelectChoice(0, _("Every centre"))] + [
            SelectChoice(c.id, c.label) for c in all_centres()
        ]
        if request.method == "GET":
            form.centre.data = centre.id
    else:
        form.centre.choices = [SelectChoice(centre.id, centre.label)]
        form.centre.data = centre.id if request.method == "GET" else form.centre.data
    return form


@bp.route("/centre/requirements", methods=["GET", "POST"], endpoint="requirements")
@roles_required(*ADMINS)
def requirements_page():
    centre = centre_in_view()
    actor = current_user._get_current_object()
    form = _form(centre)
    if form.validate_on_submit():
        centre_id = form.centre.data or None
        if not actor.has_role(Role.site_admin) and centre_id != actor.centre_id:
            abort(403)
        requirement, applied = services.create(
            actor,
            name=form.name.data,
            reason=form.reason.data,
            centre_id=centre_id,
            profession=form.profession.data or None,
            unit=one_line(form.unit.data or "") or None,
            course_id=form.course.data,
            days_to_complete=form.days_to_complete.data,
        )
        flash(
            _(
                "Requirement “%(name)s” saved: %(matching)s, %(assigned)s, %(holding)s.",
                name=requirement.name,
                matching=ngettext(
                    "%(num)d person matches", "%(num)d people match", applied.matching
                ),
                assigned=ngettext(
                    "%(num)d was assigned the course",
                    "%(num)d were assigned the course",
                    applied.assigned,
                ),
                holding=ngettext(
                    "%(num)d already holds a valid certificate",
                    "%(num)d already hold a valid certificate",
                    applied.holding,
                ),
            ),
            "success",
        )
        return redirect(_here(centre))
    return render_template(
        "compliance/requirements.html",
        form=form,
        centre=centre,
        centres=all_centres(),
        requirements=services.listing(actor, centre.id),
        # Course titles in the page's language (the form's choices: published courses).
        course_titles={choice.value: choice.label for choice in form.course.choices},
        withdraw_form=WithdrawForm(formdata=None),
        may_change=lambda r: actor.has_role(Role.site_admin) or r.centre_id == actor.centre_id,
    ), 422 if form.errors else 200


def _here(centre: Centre) -> str:
    if current_user.has_role(Role.site_admin):
        return url_for("compliance.requirements", centre=centre.slug)
    return url_for("compliance.requirements")


@bp.route(
    "/centre/requirements/<int:requirement_id>/withdraw",
    methods=["POST"],
    endpoint="withdraw_requirement",
)
@roles_required(*ADMINS)
def withdraw_requirement(requirement_id: int):
    actor = current_user._get_current_object()
    requirement = db.session.scalar(services.visible(actor).where(Requirement.id == requirement_id))
    if requirement is None:
        abort(404)
    centre = centre_in_view()
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Type the reason for withdrawing the requirement; nothing was changed."), "error")
    elif not requirement.active:
        flash(_("This requirement was withdrawn already."), "warning")
    elif not confirmed():
        reason = form.reason.data.strip()
        return confirmation_page(
            title=_("Withdraw the requirement “%(name)s”?", name=requirement.name),
            consequences=[
                _(
                    "Nobody is assigned the course by this requirement any more, and its open "
                    "assignments are withdrawn with it; enrolments, attempts and certificates "
                    "are kept."
                ),
                _("Your reason, kept in the audit trail: %(reason)s", reason=reason),
            ],
            action=url_for(
                "compliance.withdraw_requirement",
                requirement_id=requirement.id,
                centre=request.args.get("centre"),
            ),
            button=_("Withdraw the requirement"),
            back=_here(centre),
            fields={"reason": reason},
        )
    else:
        count = services.withdraw(requirement, actor, form.reason.data.strip())
        flash(
            ngettext(
                "Requirement withdrawn; %(num)d open assignment was withdrawn with it.",
                "Requirement withdrawn; %(num)d open assignments were withdrawn with it.",
                count,
            ),
            "success",
        )
    return redirect(_here(centre))
