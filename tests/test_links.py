"""Absolute links come from LMS_BASE_URL, never from the request's Host header: a link the
app writes into a mail, a PDF, a QR code or signed JSON outlives the request, and an attacker
chooses the Host header."""

from __future__ import annotations

import re

import pytest

from lms.models import Role
from lms.urls import absolute_url
from tests.mailbox import bodies_to

BASE = "https://learn.atmp.test"
EVIL = {"Host": "evil.example"}


@pytest.fixture
def evil_client(client):
    """A client whose every request says ``Host: evil.example`` (cookies follow the host)."""
    original = client.open

    def open_on_evil_host(*args, **kwargs):
        kwargs.setdefault("base_url", "http://evil.example")
        return original(*args, **kwargs)

    client.open = open_on_evil_host
    return client


def test_absolute_url_is_built_from_configuration_outside_any_request(app):
    app.config["LMS_BASE_URL"] = "https://learn.example.se/lms/"
    assert absolute_url("auth.login") == "https://learn.example.se/lms/auth/login"
    assert absolute_url("auth.reset_password", token="a b") == (
        "https://learn.example.se/lms/auth/reset/a%20b"
    )


def test_absolute_url_refuses_to_guess_without_a_base(app):
    app.config["LMS_BASE_URL"] = ""
    with pytest.raises(RuntimeError, match="LMS_BASE_URL"):
        absolute_url("auth.login")


def test_reset_mail_link_ignores_the_host_header(app, evil_client, make_user):
    make_user(email="reset@example.com")
    assert evil_client.get("/auth/forgot").request.host == "evil.example"
    response = evil_client.post("/auth/forgot", data={"email": "reset@example.com"})
    assert response.status_code == 302
    (body,) = bodies_to(app, "reset@example.com")
    assert "evil.example" not in body
    assert re.search(rf"{re.escape(BASE)}/auth/reset/\S+", body)


def test_invitation_mail_link_ignores_the_host_header(
    app, evil_client, auth, make_user, make_course
):
    course = make_course("invite-course", modules=1, quiz_modules=())
    auth.login(make_user(role=Role.centre_admin, centre="skane"))
    csv = b"email,name,profession\nnew.person@example.com,New Person,nurse\n"
    from tests.enrolment.test_import import upload

    response = upload(evil_client, course, csv)  # the preview, then the confirmation
    assert response.status_code == 302
    (body,) = bodies_to(app, "new.person@example.com")
    assert "evil.example" not in body
    assert f"{BASE}/invitation/" in body


@pytest.fixture
def certificate(make_user, make_course):
    from lms import events
    from lms.extensions import db
    from lms.models import utcnow
    from lms.plugins.certificates.models import Certificate

    user = make_user(centre="skane")
    version = make_course("link-course", modules=1, quiz_modules=())
    events.emit(
        events.course_completed,
        events.CourseCompleted(
            user_id=user.id,
            course_id=version.course_id,
            version_id=version.id,
            enrolment_id=1,
            completion_id=1,
            at=utcnow(),
        ),
    )
    return db.session.scalar(db.select(Certificate))


def test_signed_json_and_verification_page_ignore_the_host_header(client, certificate):
    from lms.plugins.certificates import codes

    code = codes.display(certificate.code)
    document = client.get(
        f"/certificates/{code}", headers={**EVIL, "Accept": "application/json"}
    ).get_json()
    assert document["verify_url"] == f"{BASE}/certificates/{code}"
    page = client.get(f"/certificates/{code}", headers=EVIL).get_data(as_text=True)
    assert "evil.example" not in page
    assert f"{BASE}/certificates/public-key" in page
