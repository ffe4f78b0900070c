"""Signed acknowledgement: completion waits for it; a wrong password stores nothing and is
throttled like a login; the signature says who, when, what and which text."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent
from lms.plugins.records.models import Signature
from tests.conftest import PASSWORD
from tests.records.helpers import certificates, completions, read_through, signed_course


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_course_front_matter_says_whether_a_signature_is_required(make_course):
    assert signed_course(make_course).signature_required is True
    assert make_course("plain-course").signature_required is False


def test_an_unknown_signature_value_is_an_error(courses_dir):
    from lms.content.loader import load_course
    from tests.conftest import write_course

    folder = write_course(courses_dir, "bad-sig", course={"signature": "sometimes"})
    doc, problems = load_course(folder)
    assert doc is None
    messages = [p.message for p in problems]
    assert any("signature" in m and "required" in m for m in messages), messages


def test_a_course_that_requires_a_signature_does_not_complete_without_one(
    client, auth, make_user, make_course
):
    version = signed_course(make_course)
    learner = make_user(name="Siri Signer")
    auth.login(learner)
    read_through(client, version)
    assert completions(learner.id) == []
    assert certificates(learner.id) == []
    page = client.get("/courses/sop-course/").get_data(as_text=True)
    assert "Sign the course" in page
    assert f"version {version.version}" in page
    sign_page = client.get("/records/sign/sop-course").get_data(as_text=True)
    assert "I have read and understood Sop Course, version 1.0.0" in sign_page
    assert version.content_hash[:16] in sign_page


def test_signing_with_the_password_completes_and_issues_the_certificate(
    client, auth, make_user, make_course, clock
):
    clock.set("2026-06-01T10:15:00Z")
    version = signed_course(make_course)
    learner = make_user(name="Siri Signer")
    auth.login(learner)
    read_through(client, version)
    response = client.post("/records/sign/sop-course", data={"password": PASSWORD})
    assert response.status_code == 302
    signature = db.session.scalar(select(Signature))
    assert signature.user_id == learner.id
    assert signature.signer_name == "Siri Signer"
    assert signature.version == "1.0.0"
    assert signature.content_hash == version.content_hash
    assert signature.meaning.startswith("I have read and understood Sop Course, version 1.0.0")
    assert signature.signed_at.isoformat() == "2026-06-01T10:15:00"
    [completion] = completions(learner.id)
    assert (completion.enrolment_id, completion.version_id, completion.cycle) == (
        signature.enrolment_id,
        signature.version_id,
        signature.cycle,
    )
    [certificate] = certificates(learner.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "records.signed"))
    assert event.details["content_hash"] == version.content_hash
    page = client.get("/courses/sop-course/").get_data(as_text=True)
    assert "Sign the course" not in page
    # Signing twice is refused; nothing more is stored.
    again = client.post("/records/sign/sop-course", data={"password": PASSWORD})
    assert again.status_code == 422
    assert _count(Signature) == 1
    cert_page = client.get(f"/certificates/{certificate.code}", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Signed acknowledgement" in cert_page
    assert "12:15" in cert_page  # signed at 10:15 UTC = 12:15 in Stockholm (summer time)


def test_a_wrong_password_stores_nothing(client, auth, make_user, make_course):
    version = signed_course(make_course)
    learner = make_user()
    auth.login(learner)
    read_through(client, version)
    events_before = _count(AuditEvent)
    response = client.post("/records/sign/sop-course", data={"password": "wrong"})
    assert response.status_code == 422
    assert "The password is wrong. Nothing was signed." in response.get_data(as_text=True)
    assert _count(Signature) == 0
    assert _count(AuditEvent) == events_before
    assert completions(learner.id) == []


@pytest.mark.parametrize(
    "config_overrides",
    [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LMS_LOGIN_LIMIT_PER_ADDRESS": "100/minute"}],
)
def test_wrong_passwords_are_throttled_like_a_login(
    client, auth, make_user, make_course, config_overrides
):
    version = signed_course(make_course)
    learner = make_user()
    auth.login(learner)
    read_through(client, version)
    statuses = [
        client.post("/records/sign/sop-course", data={"password": "wrong"}).status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 422]
    assert client.post("/records/sign/sop-course", data={"password": PASSWORD}).status_code == 429
    assert _count(Signature) == 0


def test_someone_without_a_password_is_refused_gracefully(client, auth, make_user, make_course):
    version = signed_course(make_course)
    learner = make_user()
    auth.login(learner)
    read_through(client, version)
    learner.password_hash = None  # e.g. an account that signs in through SSO only
    db.session.commit()
    response = client.post("/records/sign/sop-course", data={"password": "anything"})
    assert response.status_code in (200, 422)
    assert "identity provider" in response.get_data(as_text=True)
    assert _count(Signature) == 0


def test_nothing_to_sign_before_every_module_is_done(client, auth, make_user, make_course):
    signed_course(make_course)
    auth.login(make_user())
    client.post("/courses/sop-course/enrol")
    response = client.post("/records/sign/sop-course", data={"password": PASSWORD})
    assert response.status_code == 422
    assert _count(Signature) == 0
