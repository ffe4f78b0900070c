"""Public verification: valid, expired or revoked; what it shows and what it never shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.extensions import db
from lms.models import Role
from lms.plugins.certificates import codes, services
from tests.certificates.conftest import NAME

JSON = {"Accept": "application/json"}


def _url(certificate) -> str:
    return f"/certificates/{codes.display(certificate.code)}"


def test_valid_certificate_page(client, certificate):
    response = client.get(_url(certificate))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Valid certificate" in page
    for fact in (NAME, "Gene Therapy Basics", "1.0.0", "Skånes universitetssjukhus"):
        assert fact in page
    assert codes.display(certificate.code) in page
    assert "Accept" in response.headers["Vary"]


def test_page_shows_nothing_else(client, certificate):
    page = client.get(_url(certificate)).get_data(as_text=True)
    body = client.get(_url(certificate), headers=JSON).get_data(as_text=True)
    for text in (page, body):
        assert "lukasz@example.com" not in text
        assert "@example.com" not in text
    assert '"user_id"' not in body
    assert ".pdf" not in page  # no PDF link for a visitor (the public Open Badge is fine)
    assert "Revoke" not in page


def test_expired_certificate(client, certificate):
    certificate.expires_on = services.today() - timedelta(days=1)
    db.session.commit()
    page = client.get(_url(certificate)).get_data(as_text=True)
    assert "Expired certificate" in page
    assert "Valid certificate" not in page
    assert client.get(_url(certificate), headers=JSON).get_json()["status"] == "expired"


def test_certificate_valid_on_its_last_day(client, certificate):
    certificate.expires_on = services.today()
    db.session.commit()
    assert client.get(_url(certificate), headers=JSON).get_json()["status"] == "valid"


def test_revoked_certificate_shows_the_date_not_the_reason(client, certificate, make_user):
    admin = make_user(role=Role.site_admin)
    assert services.revoke(certificate, admin, "Completed on someone else's account")
    page = client.get(_url(certificate)).get_data(as_text=True)
    assert "Revoked certificate" in page
    assert "someone else" not in page
    body = client.get(_url(certificate), headers=JSON).get_json()
    assert body["status"] == "revoked"
    assert body["revoked_at"] is not None
    assert "someone else" not in str(body)


def test_unknown_and_malformed_codes_are_404(client):
    assert client.get("/certificates/0000-0000-0000-0000-0000-0000-0000").status_code == 404
    assert client.get("/certificates/not-a-code").status_code == 404
    response = client.get("/certificates/0000-0000-0000-0000-0000-0000-0000", headers=JSON)
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found"}


def test_typed_forms_redirect_to_the_canonical_url(client, certificate):
    for typed in (
        certificate.code,
        certificate.code.lower(),
        codes.display(certificate.code).lower(),
    ):
        response = client.get(f"/certificates/{typed}")
        assert response.status_code == 301
        assert response.headers["Location"].endswith(_url(certificate))


def test_json_form(client, certificate):
    response = client.get(_url(certificate), headers=JSON)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "valid"
    assert body["algorithm"] == "Ed25519"
    facts = body["certificate"]
    assert facts["name"] == NAME
    assert facts["code"] == codes.display(certificate.code)
    assert facts["course"] == "Gene Therapy Basics"
    assert facts["version"] == "1.0.0"
    assert facts["content_hash"] == certificate.content_hash
    assert facts["score_percent"] == 92.5
    assert facts["expires_on"] == certificate.expires_on.isoformat()
    assert "status" not in facts  # changes over time: outside what is signed
    assert body["verify_url"] == f"https://learn.atmp.test{_url(certificate)}"


def test_browser_accept_header_gets_html(client, certificate):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    assert client.get(_url(certificate), headers=browser).mimetype == "text/html"
    assert client.get(_url(certificate), headers={"Accept": "*/*"}).mimetype == "text/html"


def test_owner_and_site_admin_see_more_links(client, auth, certificate, make_user):
    auth.login(certificate.user)
    page = client.get(_url(certificate)).get_data(as_text=True)
    assert "Download the certificate (PDF)" in page
    assert "Revoke this certificate" not in page
    auth.logout()
    auth.login(make_user(role=Role.site_admin))
    page = client.get(_url(certificate)).get_data(as_text=True)
    assert "Revoke this certificate" in page


@pytest.mark.parametrize("config_overrides", [{"LMS_VERIFY_LIMIT": "5 per minute"}])
def test_verification_is_throttled_against_enumeration(client, certificate):
    for _ in range(5):
        client.get("/certificates/0000-0000-0000-0000-0000-0000-0000")
    assert client.get(_url(certificate)).status_code == 429


def test_swedish_page_dates(app, certificate):
    client = app.test_client()
    page = client.get(_url(certificate), headers={"Accept-Language": "sv"}).get_data(as_text=True)
    months = (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    )
    assert any(month in page for month in months)
