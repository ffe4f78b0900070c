"""Revocation: site admins only, with a reason, audited, once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role
from lms.plugins.certificates import codes

REASON = "Completed on a colleague's account"


def _revoke_url(certificate) -> str:
    return f"/certificates/{codes.display(certificate.code)}/revoke"


def test_site_admin_revokes_with_a_reason(client, auth, make_user, certificate):
    admin = make_user(role=Role.site_admin)
    auth.login(admin)
    form = client.get(_revoke_url(certificate)).get_data(as_text=True)
    assert '<label for="reason">Reason for revoking</label>' in form
    response = client.post(_revoke_url(certificate), data={"reason": REASON})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.revoked_at is not None
    assert certificate.revoked_by_id == admin.id
    assert certificate.revoke_reason == REASON
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.actor_id == admin.id
    assert event.subject_id == certificate.user_id
    assert event.details["reason"] == REASON
    assert event.details["code"] == certificate.code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The certificate is revoked." in page
    assert "Revoked certificate" in page
    assert REASON.replace("'", "&#39;") in page  # site admins see the reason


def test_reason_is_required(client, auth, make_user, certificate):
    auth.login(make_user(role=Role.site_admin))
    response = client.post(_revoke_url(certificate), data={"reason": "   "})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    db.session.refresh(certificate)
    assert certificate.revoked_at is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
        is None
    )


def test_without_csrf_nothing_is_revoked(client, auth, make_user, certificate):
    auth.login(make_user(role=Role.site_admin))
    response = client.post(_revoke_url(certificate), data={"reason": REASON}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_a_second_revocation_keeps_the_first(client, auth, make_user, certificate):
    auth.login(make_user(role=Role.site_admin))
    client.post(_revoke_url(certificate), data={"reason": REASON})
    response = client.post(_revoke_url(certificate), data={"reason": "Another reason"})
    assert response.status_code == 200
    db.session.refresh(certificate)
    assert certificate.revoke_reason == REASON
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
    )
    assert len(list(events)) == 1


@pytest.mark.parametrize("role", [Role.learner, Role.educator, Role.centre_admin])
def test_only_site_admins_revoke(client, auth, make_user, certificate, role):
    auth.login(make_user(role=role, centre="skane"))
    assert client.get(_revoke_url(certificate)).status_code == 403
    assert client.post(_revoke_url(certificate), data={"reason": REASON}).status_code == 403
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_revoked_pdf_says_so(client, auth, make_user, certificate, tmp_path):
    from tests.certificates.conftest import run, tool

    certificate.language = "en"
    db.session.commit()
    auth.login(make_user(role=Role.site_admin))
    client.post(_revoke_url(certificate), data={"reason": REASON})
    pdf = tmp_path / "revoked.pdf"
    pdf.write_bytes(client.get(f"/certificates/{codes.display(certificate.code)}.pdf").data)
    assert "REVOKED ON" in run(tool("pdftotext"), str(pdf), "-")
