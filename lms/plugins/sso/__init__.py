"""Single sign-on: OpenID Connect and SAML 2.0 identity providers (switched off while none
is configured).

Signing in through a region's identity provider makes (or finds) the account here: its
identities (:mod:`.models`) link a provider's stable subject to a person; the provider's
assertion of centre and profession is applied through one function
(:func:`.accounts.apply_asserted_centre`). OpenID Connect is done by Authlib (:mod:`.oidc`),
SAML by pysaml2 (:mod:`.saml`). The core learns about the plugin only through signals:
buttons on the login page (``login_page_panels``), "SSO only" centres
(``password_login_allowed``), the provider's logout (``logout_redirect``) and
``flask lms check-deploy`` (``deploy_check``).

Why these libraries: Authlib is the well-kept OAuth/OIDC client the project names. For SAML,
pysaml2 rather than python3-saml: python3-saml needs the ``xmlsec`` C binding, which must be
built against the same libxml2 as lxml's wheel or it fails at import ("lxml & xmlsec libxml2
library version mismatch"), a trap on every fresh install; pysaml2 calls Debian's ``xmlsec1``
program instead, and brings an IdP the tests run. Flask-Multipass (Indico) wraps both kinds,
but over python3-saml (the same trap), with its own login flow, session keys and
identity/auth-provider model; our accounts, linking, policy and the cross-site ACS need the
control it would take away, for little code saved.
"""

from __future__ import annotations

from flask import Flask, render_template, session
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms import events
from lms.extensions import db
from lms.models import Role, User
from lms.plugins import NavEntry, Plugin
from lms.plugins.sso import (
    admin_views,  # noqa: F401  (routes on the blueprint)
    models,
    oidc,
    policy,
    receivers,
    saml,
)
from lms.plugins.sso.providers import deploy_problems, load_providers
from lms.plugins.sso.views import LOGIN_KEY, bp, leaving_url, providers


def login_buttons(app: Flask, payload: events.LoginPage) -> Markup:
    locale = str(get_locale())
    buttons = [(p.slug, p.label(locale)) for p in providers().values()]
    return Markup(render_template("sso/login_buttons.html", buttons=buttons, next=payload.next_url))


def logout_redirect(app: Flask, payload: events.LogoutRequest) -> str | None:
    """Where the browser goes after our logout: the provider's logout, through
    :func:`.views.leaving` (a form's redirect may not leave the site under our CSP)."""
    login = session.get(LOGIN_KEY)
    provider = providers().get((login or {}).get("provider"))
    if provider is None:
        return None
    if provider.kind == "oidc":
        target = oidc.logout_url(provider, login.get("id_token"))
    else:
        target = saml.logout_url(provider, login.get("name_id"), login.get("session_index"))
    return leaving_url(provider, target) if target else None


def deploy_check(app: Flask, payload: events.DeployCheck) -> list[str]:
    return deploy_problems(providers(), payload.base_url)


def nav(user) -> list[NavEntry]:
    from flask import current_app

    if not current_app.extensions.get("sso.providers"):
        return []
    if user is not None and user.has_role(Role.site_admin):
        return [NavEntry(_l("Sign-in providers"), "sso.admin", order=95)]
    return []


def sso_datetime(value) -> str:
    """A stored UTC time as the person reads it (Europe/Stockholm, short)."""
    return format_datetime(value, "short")


def dashboard_panel(app: Flask, payload: events.Dashboard) -> Markup | None:
    rows = db.session.scalars(
        db.select(models.Identity.provider).where(models.Identity.user_id == payload.user_id)
    ).all()
    locale = str(get_locale())
    labels = [providers()[p].label(locale) for p in rows if p in providers()]
    user = db.session.get(User, payload.user_id)
    return Markup(render_template("sso/dashboard_panel.html", labels=labels, user=user))


def init_app(app: Flask) -> None:
    app.add_template_filter(sso_datetime, "sso_datetime")
    events.connect(app, events.personal_data, receivers.on_personal_data)
    events.connect(app, events.user_anonymised, receivers.on_user_anonymised)
    configured = load_providers(app.config)
    app.extensions["sso.providers"] = configured
    if not configured:
        return  # off: no buttons, no policy, no receivers
    oidc.init_app(app, configured)
    events.connect(app, events.login_page_panels, login_buttons)
    events.connect(app, events.password_login_allowed, policy.password_login_allowed)
    events.connect(app, events.logout_redirect, logout_redirect)
    events.connect(app, events.deploy_check, deploy_check)
    events.connect(app, events.dashboard_panels, dashboard_panel)


plugin = Plugin(
    name="sso",
    blueprint=bp,
    url_prefix="/sso",
    nav=nav,
    init_app=init_app,
    description="Sign in through OpenID Connect and SAML identity providers.",
)
