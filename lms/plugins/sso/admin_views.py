"""Site admins: what to register at each provider, the centres' policy, the linked identities."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from lms.access import roles_required
from lms.confirm import confirmation_page, confirmed
from lms.extensions import db, unicode_lower
from lms.models import Centre, Role, User
from lms.params import contains_pattern, page_number, search_term
from lms.plugins.sso import accounts, policy, saml
from lms.plugins.sso.forms import CentrePolicyForm, ConfirmForm
from lms.plugins.sso.models import Identity
from lms.plugins.sso.oidc import redirect_uri
from lms.plugins.sso.views import bp, providers
from lms.urls import absolute_url as external_url

PAGE_SIZE = 50


def _registration(provider) -> dict:
    """What the region's IT registers for this provider."""
    if provider.kind == "oidc":
        return {
            _("Redirect URI"): redirect_uri(provider),
            _("Post-logout redirect URI"): external_url("sso.logged_out", slug=provider.slug),
        }
    return {
        _("SP metadata URL (also our entity id)"): saml.entity_id(provider),
        _("Assertion consumer service (HTTP-POST)"): external_url(
            "sso.saml_acs", slug=provider.slug
        ),
        _("Single logout service (HTTP-Redirect)"): external_url(
            "sso.saml_sls", slug=provider.slug
        ),
    }


@bp.route("/admin/")
@roles_required(Role.site_admin)
def admin():
    query = search_term()
    page = page_number()
    statement = select(Identity).join(User).order_by(User.name, Identity.id)
    if query:
        pattern = contains_pattern(query.lower())
        statement = statement.where(
            or_(
                unicode_lower(User.name).like(pattern, escape="\\"),
                unicode_lower(User.email).like(pattern, escape="\\"),
                func.lower(Identity.subject).like(pattern, escape="\\"),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = min(page, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))  # past the end: the last
    linked = db.session.scalars(statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    centres = db.session.scalars(select(Centre).order_by(Centre.name)).all()
    return render_template(
        "sso/admin.html",
        providers=[(p, _registration(p)) for p in providers().values()],
        centres=centres,
        sso_only=policy.sso_only_centres(),
        linked=linked,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        query=query,
        confirm=ConfirmForm(),
        policy_form=CentrePolicyForm(),
    )


@bp.route("/admin/centres/<int:centre_id>", methods=["POST"])
@roles_required(Role.site_admin)
def set_centre_policy(centre_id: int):
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    form = CentrePolicyForm()
    if form.validate_on_submit():
        policy.set_sso_only(centre, bool(form.sso_only.data), actor=current_user)
        if form.sso_only.data:
            flash(_("%(centre)s: staff now sign in through SSO only.", centre=centre.name),
                  "success")  # fmt: skip
        else:
            flash(_("%(centre)s: staff may log in with a password again.", centre=centre.name),
                  "success")  # fmt: skip
    return redirect(url_for("sso.admin"))


@bp.route("/admin/identities/<int:identity_id>/remove", methods=["POST"])
@roles_required(Role.site_admin)
def remove_identity(identity_id: int):
    identity = db.session.get(Identity, identity_id)
    if identity is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        name = identity.user.name
        if not confirmed():
            return confirmation_page(
                title=_(
                    "Remove the link of %(name)s to %(provider)s?",
                    name=name,
                    provider=identity.provider,
                ),
                consequences=[
                    _(
                        "%(name)s can no longer sign in through %(provider)s with this "
                        "identity until they link it again; their account and records stay.",
                        name=name,
                        provider=identity.provider,
                    )
                ],
                action=url_for("sso.remove_identity", identity_id=identity.id),
                button=_("Remove the link"),
                back=url_for("sso.admin"),
            )
        accounts.remove_identity(identity, actor=current_user)
        flash(_("The link of %(name)s is removed.", name=name), "success")
    return redirect(url_for("sso.admin"))
