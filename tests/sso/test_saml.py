"""SAML 2.0 against a real IdP (pysaml2's, on loopback, signing with xmlsec1)."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Profession, User
from lms.plugins.sso.models import Identity, SamlAssertion
from tests.sso.conftest import at_provider, local, onward, query, saml_post, saml_sign_in


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_sp_metadata_is_served_at_its_stable_url(client):
    response = client.get("/sso/saml-test/metadata.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert 'entityID="http://lms.test/sso/saml-test/metadata.xml"' in xml
    assert 'Location="http://lms.test/sso/saml-test/acs"' in xml
    assert 'Location="http://lms.test/sso/saml-test/sls"' in xml
    assert "X509Certificate" in xml


def test_sp_initiated_login_maps_the_attributes(client, sso_servers, centres):
    response = saml_sign_in(client, sso_servers.idp, "sara")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sara.saml@skane.example"))
    assert user.name == "Sara Samlsson"
    assert user.centre_id == centres["skane"].id
    assert user.profession == Profession.nurse
    identity = db.session.scalar(select(Identity))
    # The HSA-id is the stable subject this provider is configured with.
    assert (identity.provider, identity.subject) == ("saml-test", "SE2321000016-SARA")
    row = db.session.scalar(select(SamlAssertion))
    assert row.used_at is not None
    assert row.attributes == {}  # what it asserted is not kept once used
    assert client.get("/me/").status_code == 200
    # Second login: the same account.
    client.post("/auth/logout")
    assert saml_sign_in(client, sso_servers.idp, "sara").status_code == 302
    assert _count(User) == 1


def _refused(response):
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "could not be verified" in page
    assert "Traceback" not in page
    assert _count(User) == 0
    assert _count(Identity) == 0


def test_unsigned_altered_and_foreign_assertions_are_refused(client, sso_servers):
    idp = sso_servers.idp
    try:
        for mode in ("unsigned", "altered", "other-audience"):
            idp.mode = mode
            _refused(saml_sign_in(client, idp, "sara"))
    finally:
        idp.mode = "normal"
    assert _count(SamlAssertion) == 0


def test_replayed_assertion_is_refused(client, sso_servers):
    acs, saml_response = saml_post(client, sso_servers.idp, "sara")
    first = client.post(acs, data={"SAMLResponse": saml_response}, csrf=False)
    assert first.status_code == 303
    assert client.get(local(first.headers["Location"])).status_code == 302
    client.post("/auth/logout")
    db.session.execute(db.delete(Identity))
    db.session.commit()
    replay = client.post(acs, data={"SAMLResponse": saml_response}, csrf=False)
    assert replay.status_code == 400
    assert "could not be verified" in replay.get_data(as_text=True)
    assert _count(Identity) == 0


def test_a_ticket_works_once_and_only_for_the_browser_that_asked(client, other_client, sso_servers):
    acs, saml_response = saml_post(client, sso_servers.idp, "sara")
    # Posted by someone else (e.g. an attacker replaying it to a victim's browser): the
    # response is valid, but the session that returns has no request it answers.
    other = other_client
    answer = other.post(acs, data={"SAMLResponse": saml_response}, csrf=False)
    assert answer.status_code == 303
    refused = other.get(local(answer.headers["Location"]))
    assert refused.status_code == 400
    assert "not from your browser session" in refused.get_data(as_text=True)
    assert _count(User) == 0
    # The browser that asked redeems it once.
    ok = client.get(local(answer.headers["Location"]))
    assert ok.status_code == 302
    again = client.get(local(answer.headers["Location"]))
    assert again.status_code == 400


def test_unsolicited_garbage_is_refused_without_a_traceback(client):
    response = client.post("/sso/saml-test/acs", data={"SAMLResponse": "bm90IHhtbA=="},
                           csrf=False)  # fmt: skip
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_logout_sends_a_signed_logout_request_and_reads_the_answer(client, sso_servers):
    saml_sign_in(client, sso_servers.idp, "sara")
    user = db.session.scalar(select(User))
    version = user.session_version
    response = client.post("/auth/logout")
    location = onward(client, response)
    assert location.startswith(f"{sso_servers.idp.base}/slo?")
    assert "Signature" in query(location)
    db.session.refresh(user)
    assert user.session_version == version + 1
    back = at_provider(location, {})
    assert sso_servers.idp.logouts[-1] == "persistent-sara-7"
    page = client.get(local(back), follow_redirects=True).get_data(as_text=True)
    assert "You are logged out, also at Inera (test)." in page
