"""SAML 2.0 service provider (Web Browser SSO profile), on pysaml2.

pysaml2 checks the XML signature of the assertion (through the ``xmlsec1`` program), the
audience restriction (our entity id), the response's Destination and the subject
confirmation's Recipient (our ACS URL), and the validity window with the allowed clock
skew. This module adds: the response must answer a request this browser made (checked when
the browser returns with its session, see :class:`~lms.plugins.sso.models.SamlAssertion`),
an assertion is accepted once only, and every URL comes from ``LMS_BASE_URL``.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import StatusError
from saml2.saml import name_id_from_string
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.models import utcnow
from lms.plugins.sso.accounts import Asserted, SsoError, asserted_from
from lms.plugins.sso.models import SamlAssertion
from lms.plugins.sso.providers import Provider
from lms.urls import absolute_url as external_url

TICKET_MINUTES = 5
REMOTE_METADATA_SECONDS = 6 * 3600
XMLSEC_BINARY = "/usr/bin/xmlsec1"


def entity_id(provider: Provider) -> str:
    """Our entity id at this IdP: the URL of our SP metadata (stable, registered once)."""
    return external_url("sso.saml_metadata", slug=provider.slug)


def _config(provider: Provider) -> SPConfig:
    metadata: dict = {}
    if provider.idp_metadata_file:
        metadata["local"] = [provider.idp_metadata_file]
    if provider.idp_metadata_url:
        metadata["remote"] = [{"url": provider.idp_metadata_url}]
    signing = bool(provider.sp_key_file)
    sp = {
        "endpoints": {
            "assertion_consumer_service": [
                (external_url("sso.saml_acs", slug=provider.slug), BINDING_HTTP_POST)
            ],
            "single_logout_service": [
                (external_url("sso.saml_sls", slug=provider.slug), BINDING_HTTP_REDIRECT)
            ],
        },
        # Unsolicited here means "not matched against pysaml2's own cache": the response
        # is matched against the browser's session when it returns (see the module doc).
        "allow_unsolicited": True,
        "want_assertions_signed": provider.want_assertions_signed,
        "want_response_signed": False,
        "authn_requests_signed": signing,
        "logout_requests_signed": signing,
    }
    config = {
        "entityid": entity_id(provider),
        "service": {"sp": sp},
        "metadata": metadata,
        "xmlsec_binary": XMLSEC_BINARY,
        "accepted_time_diff": provider.clock_skew_seconds,
        "allow_unknown_attributes": True,
    }
    if signing:
        config["key_file"] = provider.sp_key_file
        config["cert_file"] = provider.sp_cert_file
        config["encryption_keypairs"] = [
            {"key_file": provider.sp_key_file, "cert_file": provider.sp_cert_file}
        ]
    sp_config = SPConfig()
    sp_config.load(config)
    return sp_config


def client(provider: Provider) -> Saml2Client:
    """The provider's SAML client, built once per process (remote metadata: re-read every
    six hours, so a rolled-over IdP certificate is picked up)."""
    cache = current_app.extensions.setdefault("sso.saml", {})
    cached = cache.get(provider.slug)
    if cached and (
        provider.idp_metadata_url is None or time.monotonic() - cached[1] < REMOTE_METADATA_SECONDS
    ):
        return cached[0]
    try:
        built = Saml2Client(config=_config(provider))
    except Exception as exc:
        current_app.logger.warning("SAML %s: metadata unusable: %r", provider.slug, exc)
        raise SsoError(
            _l("The identity provider cannot be reached right now. Try again later."),
            reason="metadata",
        ) from exc
    cache[provider.slug] = (built, time.monotonic())
    return built


def metadata_xml(provider: Provider) -> str:
    """Our SP metadata for the IdP or federation to register."""
    return str(entity_descriptor(_config(provider)))


def _idp_entity(saml_client: Saml2Client) -> str:
    idps = list(saml_client.metadata.identity_providers())
    if len(idps) != 1:
        raise SsoError(
            _l("The identity provider is not set up correctly. Ask your IT support."),
            reason="idp count",
        )
    return idps[0]


def start(provider: Provider) -> tuple[str, str]:
    """(request id, URL to send the browser to) for an AuthnRequest (HTTP-Redirect)."""
    saml_client = client(provider)
    request_id, info = saml_client.prepare_for_authenticate(
        entityid=_idp_entity(saml_client), binding=BINDING_HTTP_REDIRECT
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


def _attributes(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for statement in response.assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [v.text for v in attribute.attribute_value if v.text]
            for key in (attribute.name, attribute.friendly_name):
                if key:
                    found.setdefault(key, []).extend(values)
    return found


REFUSED = _l("The identity provider's answer could not be verified. Start again.")


def accept(provider: Provider, saml_response: str) -> str:
    """Check a posted SAMLResponse and keep what it asserts under a one-time ticket.

    Returns the ticket. Raises :class:`SsoError` for a response that fails any check
    (signature, audience, recipient, time), is unsolicited, reports an error status, or
    carries an assertion already accepted (replay). Nothing is stored on failure.
    """
    saml_client = client(provider)
    try:
        response = saml_client.parse_authn_request_response(saml_response, BINDING_HTTP_POST)
    except StatusError as exc:
        current_app.logger.info("SAML %s: status %s", provider.slug, exc)
        raise SsoError(_l("The identity provider refused the sign-in."), reason="status") from exc
    except Exception as exc:  # pysaml2 raises many kinds; all mean "not verified"
        current_app.logger.warning("SAML %s: response refused: %r", provider.slug, exc)
        raise SsoError(REFUSED, reason=f"response: {type(exc).__name__}") from exc
    if response is None or response.assertion is None or not response.in_response_to:
        raise SsoError(REFUSED, reason="unsolicited or empty")
    assertion = response.assertion
    name_id = response.name_id
    session_index = None
    if assertion.authn_statement:
        session_index = assertion.authn_statement[0].session_index
    # Assertions are valid for minutes; a day later their ids need no keeping (a replay
    # fails the validity window), and what they asserted was emptied at redemption.
    db.session.execute(
        delete(SamlAssertion).where(SamlAssertion.received_at < utcnow() - timedelta(days=1))
    )
    ticket = secrets.token_urlsafe(32)
    row = SamlAssertion(
        provider=provider.slug,
        assertion_id=str(assertion.id)[:255],
        ticket=ticket,
        in_response_to=str(response.in_response_to)[:255],
        attributes={
            "claims": _attributes(response),
            "name_id": name_id.text if name_id is not None else None,
            "name_id_xml": str(name_id) if name_id is not None else None,
            "session_index": session_index,
        },
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        current_app.logger.warning("SAML %s: assertion %s replayed", provider.slug, assertion.id)
        raise SsoError(REFUSED, reason="replayed") from None
    return ticket


def redeem(provider: Provider, ticket: str, request_ids: list[str]) -> tuple[Asserted, dict, str]:
    """What the ticket's assertion says, once, for the browser that asked for it.

    ``request_ids``: the AuthnRequest ids this browser's session has outstanding. Returns
    the mapped assertion, the logout data (NameID, session index) and the request id it
    answers. Raises
    :class:`SsoError` for an unknown, used or stale ticket, or one another browser asked for.
    """
    row = db.session.scalar(
        select(SamlAssertion).where(
            SamlAssertion.ticket == ticket, SamlAssertion.provider == provider.slug
        )
    )
    fresh = row is not None and row.received_at > utcnow() - timedelta(minutes=TICKET_MINUTES)
    if not fresh or row.used_at is not None or row.in_response_to not in request_ids:
        raise SsoError(
            _l("This sign-in link is not from your browser session or has been used. "
               "Start again."), reason="ticket",
        )  # fmt: skip
    data = dict(row.attributes)
    row.used_at = utcnow()
    row.attributes = {}
    db.session.commit()
    asserted = asserted_from(provider, data["claims"], subject=data["name_id"])
    logout = {"name_id": data["name_id_xml"], "session_index": data["session_index"]}
    return asserted, logout, row.in_response_to


def logout_url(provider: Provider, name_id_xml: str | None, session_index: str | None):
    """SAML Single Logout (HTTP-Redirect): the URL of a signed LogoutRequest to the IdP, or
    None when the IdP offers no SLO, we have no signing key, or nothing to name."""
    if not (provider.single_logout and provider.sp_key_file and name_id_xml):
        return None
    try:
        saml_client = client(provider)
        idp = _idp_entity(saml_client)
        services = saml_client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")
        if not services:
            return None
        destination = services[0]["location"]
        _request_id, request = saml_client.create_logout_request(
            destination,
            idp,
            name_id=name_id_from_string(name_id_xml),
            session_indexes=[session_index] if session_index else None,
            sign=False,
        )
        info = saml_client.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, relay_state="", sign=True,
            sigalg=saml_client.signing_algorithm,
        )  # fmt: skip
    except Exception as exc:
        current_app.logger.warning("SAML %s: no single logout: %r", provider.slug, exc)
        return None
    return dict(info["headers"])["Location"]


def logout_response_ok(provider: Provider, saml_response: str) -> bool:
    """Whether the IdP's LogoutResponse (HTTP-Redirect) is valid and says success."""
    try:
        response = client(provider).parse_logout_request_response(
            saml_response, BINDING_HTTP_REDIRECT
        )
    except Exception as exc:
        current_app.logger.info("SAML %s: logout response refused: %r", provider.slug, exc)
        return False
    return response is not None and response.status_ok()
