"""Signing in through an identity provider. Thin: the protocol modules check, ``accounts``
decides the account, and these views move the browser along."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms import audit
from lms.access import login_required, public
from lms.auth import services as auth_services
from lms.auth.redirects import landing, safe_next
from lms.extensions import csrf, db, limiter
from lms.models import User
from lms.plugins.sso import accounts, oidc, saml
from lms.plugins.sso.accounts import SsoError
from lms.plugins.sso.forms import LinkForm
from lms.plugins.sso.models import Identity
from lms.plugins.sso.providers import Provider

bp = Blueprint("sso", __name__, template_folder="templates")

FLOW_KEY = "sso_flow"  # OIDC: where to go after the provider, and whether to link
SAML_REQUESTS_KEY = "sso_saml_requests"  # SAML: this browser's outstanding AuthnRequests
PENDING_LINK_KEY = "sso_pending_link"
LOGIN_KEY = "sso_login"  # which provider this session came through, for its logout
PENDING_LINK_SECONDS = 600


def providers() -> dict[str, Provider]:
    return current_app.extensions.get("sso.providers", {})


def _provider(slug: str, kind: str | None = None) -> Provider:
    provider = providers().get(slug)
    if provider is None or (kind and provider.kind != kind):
        abort(404)
    return provider


def _failed(provider: Provider | None, error: SsoError):
    audit.record(
        "sso.login_failed", provider=provider.slug if provider else None, reason=error.reason
    )
    db.session.commit()
    return render_template("sso/error.html", message=error.message, provider=provider), 400


def _home() -> str:
    return url_for("core.home")


@bp.route("/<slug>/login")
@public
def login(slug: str):
    """Start signing in (GET: the login page's buttons are links, since the CSP's
    form-action would stop a form from redirecting to the provider)."""
    provider = _provider(slug)
    link = request.args.get("link") == "1" and current_user.is_authenticated
    asked = request.args.get("next")
    next_url = safe_next(asked, _home())
    if current_user.is_authenticated and not link:
        return redirect(next_url)
    # Without a next, where the person lands is decided once they are known (landing).
    flow = {"provider": slug, "next": next_url if asked else None, "link": link}
    try:
        if provider.kind == "oidc":
            session[FLOW_KEY] = flow
            return oidc.start(provider)
        request_id, location = saml.start(provider)
    except SsoError as error:
        return _failed(provider, error)
    outstanding = dict(session.get(SAML_REQUESTS_KEY, {}))
    outstanding[request_id] = {**flow, "at": int(time.time())}
    # A few tabs at once are fine; older requests drop off.
    session[SAML_REQUESTS_KEY] = dict(list(outstanding.items())[-5:])
    return redirect(location)


@bp.route("/<slug>/callback")
@public
def oidc_callback(slug: str):
    """The OIDC redirect URI."""
    provider = _provider(slug, "oidc")
    flow = session.pop(FLOW_KEY, None) or {}
    try:
        asserted, id_token = oidc.finish(provider)
        if flow.get("provider") != slug:
            raise SsoError(_("This sign-in link is not from your browser session or has been "
                             "used. Start again."), reason="flow")  # fmt: skip
        return _signed_in(provider, asserted, flow, {"id_token": id_token})
    except SsoError as error:
        return _failed(provider, error)


@bp.route("/<slug>/acs", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ADDRESS"])
@csrf.exempt  # the IdP posts here; the response's signature and the session bind it
def saml_acs(slug: str):
    """The SAML assertion consumer service (HTTP-POST binding)."""
    provider = _provider(slug, "saml")
    try:
        ticket = saml.accept(provider, request.form.get("SAMLResponse", ""))
    except SsoError as error:
        return _failed(provider, error)
    # 303 to a GET on this site: the browser now sends its (SameSite=Lax) session cookie.
    return redirect(url_for("sso.saml_complete", slug=slug, ticket=ticket), code=303)


@bp.route("/<slug>/complete")
@public
def saml_complete(slug: str):
    provider = _provider(slug, "saml")
    outstanding = dict(session.get(SAML_REQUESTS_KEY, {}))
    try:
        asserted, logout, request_id = saml.redeem(
            provider, request.args.get("ticket", ""), list(outstanding)
        )
    except SsoError as error:
        return _failed(provider, error)
    flow = outstanding[request_id]
    session.pop(SAML_REQUESTS_KEY, None)
    try:
        return _signed_in(provider, asserted, flow, logout)
    except SsoError as error:
        return _failed(provider, error)


def _signed_in(provider: Provider, asserted: accounts.Asserted, flow: dict, logout: dict):
    current = current_user._get_current_object() if flow.get("link") else None
    if current is not None and not current.is_authenticated:
        current = None
    outcome = accounts.resolve(provider, asserted, current=current)
    next_url = safe_next(flow["next"], _home()) if flow.get("next") else None
    if outcome.link_to is not None:
        session[PENDING_LINK_KEY] = {
            "asserted": asserted.as_dict(),
            "user_id": outcome.link_to.id,
            "at": int(time.time()),
            "next": next_url,
            "logout": logout,
        }
        return redirect(url_for("sso.link"))
    if current is not None:
        flash(_("%(provider)s is now linked to your account.",
                provider=provider.label(str(get_locale()))), "success")  # fmt: skip
        return redirect(url_for("sso.identities"))
    return _log_in(outcome.user, provider, logout, next_url)


def _log_in(user: User, provider: Provider, logout: dict, next_url: str | None):
    """Sign ``user`` in; go to ``next_url``, or where they land when None."""
    next_url = next_url or landing(user)
    session.clear()  # a new session id for the new login (no fixation)
    audit.record("sso.login", actor=user, subject=user, provider=provider.slug)
    auth_services.start_session(user)  # commits the audit event with its own
    session[LOGIN_KEY] = {"provider": provider.slug, **logout}
    if user.locale:
        session["lang"] = user.locale
    return redirect(next_url)


@bp.route("/link", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def link():
    """Prove the password of the existing account once, then the identity is linked."""
    pending = session.get(PENDING_LINK_KEY)
    if not pending or time.time() - pending["at"] > PENDING_LINK_SECONDS:
        session.pop(PENDING_LINK_KEY, None)
        flash(_("That sign-in has expired. Start again."), "info")
        return redirect(url_for("auth.login"))
    provider = _provider(pending["asserted"]["provider"])
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.active:
        session.pop(PENDING_LINK_KEY, None)
        abort(404)
    form = LinkForm()
    if user.password_hash and form.validate_on_submit():
        if auth_services.authenticate(user.email, form.password.data) is None:
            form.password.errors.append(_("The password is wrong."))
        else:
            session.pop(PENDING_LINK_KEY, None)
            asserted = accounts.Asserted(**pending["asserted"])
            try:
                accounts.link(user, provider, asserted, how="password proved")
            except SsoError as error:
                return _failed(provider, error)
            return _log_in(user, provider, pending["logout"], pending["next"])
    status = 422 if form.errors else 200
    label = provider.label(str(get_locale()))
    return render_template("sso/link.html", form=form, user=user, label=label), status


@bp.route("/identities")
@login_required
def identities():
    """The person's own linked identities, and buttons to link another."""
    linked = db.session.scalars(
        db.select(Identity).where(Identity.user_id == current_user.id).order_by(Identity.id)
    ).all()
    return render_template("sso/identities.html", linked=linked, providers=providers())


@bp.route("/<slug>/metadata.xml")
@public
def saml_metadata(slug: str):
    """Our SP metadata, at the stable URL that is also our entity id."""
    provider = _provider(slug, "saml")
    return Response(saml.metadata_xml(provider), mimetype="application/samlmetadata+xml")


@bp.route("/<slug>/sls")
@public
def saml_sls(slug: str):
    """Where the IdP sends its LogoutResponse (HTTP-Redirect binding)."""
    provider = _provider(slug, "saml")
    if saml.logout_response_ok(provider, request.args.get("SAMLResponse", "")):
        flash(_("You are logged out, also at %(provider)s.",
                provider=provider.label(str(get_locale()))), "info")  # fmt: skip
    else:
        flash(_("You are logged out here. The identity provider did not confirm its logout: "
                "close the browser to be sure."), "info")  # fmt: skip
    return redirect(url_for("auth.login"))


def _leaving_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms.sso.leaving")


def leaving_url(provider: Provider, target: str) -> str:
    """Our page that sends the browser on to ``target`` (the provider's logout URL, signed
    so that the page is no open redirect)."""
    token = _leaving_serializer().dumps({"p": provider.slug, "u": target})
    return url_for("sso.leaving", slug=provider.slug, token=token)


@bp.route("/<slug>/leaving")
@public
def leaving(slug: str):
    """After our logout, on to the provider's logout. The logout button is a form, and the
    CSP's form-action keeps a form's redirects on this site, so this page does it: a
    zero-second refresh (no script), and a link for anyone whose browser does not follow."""
    provider = _provider(slug)
    try:
        data = _leaving_serializer().loads(request.args.get("token", ""), max_age=300)
    except BadSignature:
        return redirect(url_for("auth.login"))
    if data.get("p") != slug:
        return redirect(url_for("auth.login"))
    label = provider.label(str(get_locale()))
    return render_template("sso/leaving.html", target=data["u"], label=label)


@bp.route("/<slug>/logged-out")
@public
def logged_out(slug: str):
    """OIDC post-logout redirect URI."""
    provider = _provider(slug, "oidc")
    flash(_("You are logged out, also at %(provider)s.",
            provider=provider.label(str(get_locale()))), "info")  # fmt: skip
    return redirect(url_for("auth.login"))
