"""OpenID Connect relying party (OpenID Connect Core 1.0, authorization code flow), on Authlib.

Authlib does the protocol: discovery, ``state`` (kept in the session and checked on return),
``nonce``, PKCE (RFC 7636, S256), the code exchange, and the ID token's signature (against the
provider's JWKS, re-fetched once for an unknown key id), ``iss``, ``aud``, ``exp``/``iat`` with
a leeway, and ``nonce``. Around it this module adds what Authlib leaves to the caller: the
discovered issuer must be the configured one, ID tokens must be signed with an asymmetric
algorithm, a response without an ID token is refused, and the redirect URI comes from
``LMS_BASE_URL``, never from the request's Host header.
"""

from __future__ import annotations

from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError

from lms.plugins.sso.accounts import Asserted, SsoError, asserted_from
from lms.plugins.sso.providers import Provider
from lms.urls import absolute_url as external_url

HTTP_TIMEOUT_SECONDS = 10


def init_app(app: Flask, providers: dict[str, Provider]) -> None:
    oauth = OAuth(app)
    for provider in providers.values():
        if provider.kind != "oidc":
            continue
        oauth.register(
            name=provider.slug,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": " ".join(provider.scopes),
                "code_challenge_method": "S256",
                "default_timeout": HTTP_TIMEOUT_SECONDS,
            },
        )
    app.extensions["sso.oauth"] = oauth


def _client(provider: Provider):
    return current_app.extensions["sso.oauth"].create_client(provider.slug)


def _metadata(provider: Provider) -> dict:
    """The discovered metadata, checked once per process: the issuer it names must be the
    configured one (OpenID Connect Discovery 1.0, section 4.3), and only the asymmetric
    ID-token algorithms we allow are kept."""
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
    except Exception as exc:  # network, JSON: the provider is unreachable or broken
        current_app.logger.warning("OIDC %s: discovery failed: %s", provider.slug, exc)
        raise SsoError(
            _l("The identity provider cannot be reached right now. Try again later."),
            reason="discovery failed",
        ) from exc
    if not metadata.get("_lms_checked"):
        if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer:
            client.server_metadata = {}
            raise SsoError(_l("The identity provider is not the one we trust."), reason="issuer")
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            alg for alg in offered if alg in provider.id_token_algs
        ]
        metadata["_lms_checked"] = True
    return metadata


def redirect_uri(provider: Provider) -> str:
    return external_url("sso.oidc_callback", slug=provider.slug)


def start(provider: Provider):
    """The redirect to the provider's authorization endpoint (state, nonce and PKCE
    verifier are stored in the session by Authlib)."""
    _metadata(provider)
    try:
        return _client(provider).authorize_redirect(redirect_uri(provider))
    except Exception as exc:
        current_app.logger.warning("OIDC %s: cannot start: %s", provider.slug, exc)
        raise SsoError(
            _l("The identity provider cannot be reached right now. Try again later."),
            reason="start failed",
        ) from exc


def finish(provider: Provider) -> tuple[Asserted, str]:
    """Check the callback and return what the provider asserts and the raw ID token (kept
    for RP-initiated logout). Raises :class:`SsoError` with a plain reason on anything
    wrong: an error from the provider, wrong or missing ``state``, a refused code, an ID
    token that is missing, unsigned, badly signed, expired, for another client or from
    another issuer."""
    metadata = _metadata(provider)
    client = _client(provider)
    if not metadata["id_token_signing_alg_values_supported"]:
        raise SsoError(_l("The identity provider signs in a way we do not accept."), reason="alg")
    try:
        token = client.authorize_access_token(leeway=provider.clock_skew_seconds)
    except OAuthError as exc:
        current_app.logger.info("OIDC %s: %s %s", provider.slug, exc.error, exc.description)
        if exc.error in ("access_denied", "login_required", "consent_required"):
            raise SsoError(_l("The sign-in was cancelled."), reason=exc.error) from exc
        if exc.error == "mismatching_state":
            raise SsoError(
                _l("This sign-in link is not from your browser session or has been used. "
                   "Start again."), reason="state",
            ) from exc  # fmt: skip
        raise SsoError(
            _l("The identity provider refused the sign-in. Start again."), reason=exc.error
        ) from exc
    except (JoseError, ValueError, KeyError) as exc:
        current_app.logger.warning("OIDC %s: ID token refused: %r", provider.slug, exc)
        raise SsoError(
            _l("The identity provider's answer could not be verified. Start again."),
            reason=f"id token: {type(exc).__name__}",
        ) from exc
    except Exception as exc:  # the token endpoint unreachable, a JWKS fetch failing ...
        current_app.logger.warning("OIDC %s: callback failed: %r", provider.slug, exc)
        raise SsoError(
            _l("The identity provider cannot be reached right now. Try again later."),
            reason="callback failed",
        ) from exc
    claims = token.get("userinfo")
    if not token.get("id_token") or not claims:
        raise SsoError(
            _l("The identity provider's answer could not be verified. Start again."),
            reason="no id token",
        )
    claims = dict(claims)
    if metadata.get("userinfo_endpoint"):
        try:
            extra = dict(client.userinfo(token=token))
        except Exception as exc:
            current_app.logger.warning("OIDC %s: userinfo failed: %r", provider.slug, exc)
            extra = {}
        if extra.get("sub") == claims["sub"]:  # OIDC Core 5.3.2: must match, or is ignored
            claims = {**extra, **claims}
    return asserted_from(provider, claims), token["id_token"]


def logout_url(provider: Provider, id_token: str | None) -> str | None:
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the provider's end
    session URL, or None when it offers none."""
    try:
        endpoint = _metadata(provider).get("end_session_endpoint")
    except SsoError:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": provider.client_id,
        "post_logout_redirect_uri": external_url("sso.logged_out", slug=provider.slug),
    }
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
