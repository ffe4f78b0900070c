"""Membership pages. Thin: forms in, :mod:`.services` decides and writes, templates show.

Centre admins act on their own centre (whatever the URL says); site admins on any centre,
picked with ``?centre=<slug>``. A person asks, withdraws and proves their address from
their profile.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import login_required, public, roles_required
from lms.confirm import confirmation_page, confirmed
from lms.extensions import db, limiter
from lms.membership import bp, domains, listing, services
from lms.membership.forms import AskForm, ButtonForm, ConfirmForm, DomainForm, ReasonForm
from lms.models import Centre, CentreEmailDomain, CentreMembership, MembershipStatus, Role, User

ADMINS = (Role.centre_admin, Role.site_admin)

MESSAGES = {
    "already_member": lambda: _("You are already a member of this centre."),
    "admins_ask_site_admin": lambda: _("A site admin changes the centre of an admin."),
    "not_pending": lambda: _("This request was already decided or withdrawn."),
    "not_allowed": lambda: _(
        "You cannot decide this: a centre admin's own centre is changed by a site admin."
    ),
    "member_elsewhere": lambda: _("This person is a member of another centre."),
}


def _actor() -> User:
    return current_user._get_current_object()


def _centre() -> Centre:
    """The centre this page is about: a centre admin's own; a site admin's choice."""
    user = _actor()
    if not user.has_role(Role.site_admin):  # a centre admin: their own, whatever else
        if user.centre is None:
            abort(403)
        return user.centre
    slug = request.values.get("centre")
    if slug:
        centre = db.session.scalar(select(Centre).where(Centre.slug == slug))
        if centre is None:
            abort(404)
        return centre
    return user.centre or db.session.scalars(select(Centre).order_by(Centre.name)).first()


def _back(centre: Centre) -> str:
    if _actor().has_role(Role.site_admin):
        return url_for("membership.members", centre=centre.slug)
    return url_for("membership.members")


def _commit_or_flash() -> bool:
    try:
        services.commit()
    except services.Conflict:
        flash(_("Someone changed this at the same time; look again and retry."), "error")
        return False
    return True


@bp.get("/centre/members")
@roles_required(*ADMINS)
def members():
    centre = _centre()
    actor = _actor()
    centres = (
        list(db.session.scalars(select(Centre).order_by(Centre.name)))
        if actor.has_role(Role.site_admin)
        else []
    )
    return render_template(
        "membership/members.html",
        centre=centre,
        centres=centres,
        page=listing.page(centre.id),
        domains=domains.domains(centre.id),
        button=ButtonForm(),
        domain_form=DomainForm(),
        may_decide=lambda person: services.may_decide(actor, person, centre.id),
        is_site_admin=actor.has_role(Role.site_admin),
    )


def _pending_here(request_id: int) -> CentreMembership:
    row = db.session.get(CentreMembership, request_id)
    actor = _actor()
    if row is None or (not actor.has_role(Role.site_admin) and row.centre_id != actor.centre_id):
        abort(404)  # another centre's request is not even there for a centre admin
    return row


@bp.route("/centre/members/requests/<int:request_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def decide(request_id: int):
    row = _pending_here(request_id)
    decision = request.form.get("decision")
    form = ReasonForm() if decision == "decline" else ConfirmForm()
    if row.status == MembershipStatus.requested and form.validate_on_submit():
        try:
            if decision == "decline":
                services.decline(_actor(), row.id, reason=form.reason.data.strip())
            else:
                services.confirm(_actor(), row.id, reason=(form.reason.data or "").strip())
        except services.MembershipError as exc:
            db.session.rollback()
            flash(MESSAGES[exc.code](), "error")
        except services.Conflict:
            flash(_("Someone changed this at the same time; look again and retry."), "error")
        else:
            if _commit_or_flash():
                name = row.user.name
                if decision == "decline":
                    flash(_("The request of %(name)s is declined.", name=name), "success")
                else:
                    flash(_("%(name)s is a member of the centre now.", name=name), "success")
        return redirect(_back(row.centre))
    status = 422 if form.errors else 200
    return render_template(
        "membership/decide.html",
        row=row,
        form=form,
        may=services.may_decide(_actor(), row.user, row.centre_id),
        back=_back(row.centre),
    ), status


@bp.route("/centre/members/<int:user_id>/remove", methods=["GET", "POST"])
@roles_required(*ADMINS)
def remove(user_id: int):
    person = db.session.get(User, user_id)
    actor = _actor()
    if person is None or person.centre_id is None:
        abort(404)
    if not actor.has_role(Role.site_admin) and person.centre_id != actor.centre_id:
        abort(404)
    centre = person.centre
    may = services.may_decide(actor, person, centre.id)
    form = ReasonForm()
    if may and form.validate_on_submit():
        services.place(person, None, actor=actor, reason=form.reason.data.strip())
        if _commit_or_flash():
            flash(_("%(name)s is no longer a member of the centre.", name=person.name), "success")
        return redirect(_back(centre))
    return render_template(
        "membership/remove.html",
        person=person,
        centre=centre,
        form=form,
        may=may,
        back=_back(centre),
    ), 422 if form.errors else 200


@bp.post("/centre/members/domains")
@roles_required(Role.site_admin)
def add_domain():
    centre = _centre()
    form = DomainForm()
    if form.validate_on_submit():
        try:
            row = domains.add(centre, form.domain.data, actor=_actor())
        except domains.DomainError as exc:
            if exc.code == "taken":
                flash(_("That domain is already listed for a centre."), "error")
            else:
                flash(_("That is not a domain name, e.g. regionstockholm.se."), "error")
        else:
            flash(
                _("Proven addresses at %(domain)s now join at once.", domain=row.domain), "success"
            )
    else:
        flash(_("Type the domain."), "error")
    return redirect(_back(centre))


@bp.post("/centre/members/domains/<int:domain_id>/delete")
@roles_required(Role.site_admin)
def delete_domain(domain_id: int):
    row = db.session.get(CentreEmailDomain, domain_id)
    if row is None:
        abort(404)
    centre = row.centre
    if ButtonForm().validate_on_submit():
        if not confirmed():
            return confirmation_page(
                title=_("Remove the domain %(domain)s?", domain=row.domain),
                consequences=[
                    _(
                        "New addresses at %(domain)s no longer join %(centre)s at once; they "
                        "ask to join like anyone else. Its people stay members.",
                        domain=row.domain,
                        centre=centre.name,
                    )
                ],
                action=url_for("membership.delete_domain", domain_id=row.id),
                button=_("Remove the domain"),
                back=_back(centre),
            )
        domains.remove(row, actor=_actor())
        flash(_("The domain is removed; its people stay members."), "success")
    return redirect(_back(centre))


# The person's side -----------------------------------------------------------------------


@bp.post("/auth/profile/centre")
@login_required
def ask():
    user = _actor()
    form = AskForm()
    form.centre.choices = [(c.id, c.label) for c in db.session.scalars(select(Centre))]
    if not form.validate_on_submit():
        flash(_("Choose the centre."), "error")
        return redirect(url_for("auth.profile"))
    centre = db.session.get(Centre, form.centre.data)
    try:
        change = services.ask(user, centre)
        if not change.confirmed and domains.centre_for(user.email) == centre.id:
            domains.queue_verification(user, centre)
    except services.MembershipError as exc:
        db.session.rollback()
        flash(MESSAGES[exc.code](), "error")
        return redirect(url_for("auth.profile"))
    if _commit_or_flash():
        if change.confirmed:
            flash(_("You are a member of %(centre)s.", centre=centre.label), "success")
        else:
            flash(
                _("You asked to join %(centre)s; its admin decides.", centre=centre.label),
                "success",
            )
    return redirect(url_for("auth.profile"))


@bp.post("/auth/profile/centre/cancel")
@login_required
def cancel():
    if ButtonForm().validate_on_submit() and services.cancel(_actor()) and _commit_or_flash():
        flash(_("Your request is withdrawn."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/auth/profile/verify-email")
@login_required
@limiter.limit(lambda: _limit())
def resend_verification():
    user = _actor()
    waiting = services.open_request(user.id)
    if ButtonForm().validate_on_submit() and waiting is not None:
        domains.queue_verification(user, waiting.centre)
        db.session.commit()
        flash(_("We have sent the link to %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.profile"))


def _limit() -> str:
    from flask import current_app

    return current_app.config["LMS_FORM_LIMIT"]


@bp.route("/auth/verify-email/<token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limit(), methods=["POST"])
def verify_email(token: str):
    """GET shows a button (a link opened by a mail scanner changes nothing); POST proves."""
    user = domains.user_for_token(token)
    if user is None:
        return render_template("membership/verify_invalid.html"), 400
    form = ButtonForm()
    if form.validate_on_submit():
        joined = domains.mark_proven(user)
        if _commit_or_flash():
            if joined:
                flash(
                    _(
                        "Your address is confirmed and you are a member of %(centre)s.",
                        centre=user.centre.label,
                    ),
                    "success",
                )
            else:
                flash(_("Your address is confirmed."), "success")
        return redirect(url_for("auth.profile" if current_user.is_authenticated else "auth.login"))
    return render_template("membership/verify_email.html", form=form, user=user)
