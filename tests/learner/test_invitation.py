"""The invitation page (issue 17): who invited the person, to which centre and course, their
e-mail; they choose a password there and are signed in."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role, User
from lms.plugins.enrolment.invitations import make_token
from tests.mailbox import queued


def upload(client, version, rows: str):
    """Upload a staff file and confirm its preview, as a centre admin does."""
    from tests.enrolment.test_import import upload as import_file

    return import_file(client, version, rows.encode())


def test_invitation_page_names_inviter_centre_course_and_signs_in(
    app, client, auth, make_user, make_course
):
    version = make_course(
        "cell-basics", title="Cell Basics", swedish=True, course={"enrolment": "assigned"}
    )
    admin = make_user(role=Role.centre_admin, centre="skane", name="Cecilia Centerchef")
    auth.login(admin)
    response = upload(client, version, "email;name;profession\nanna@example.com;Anna A;nurse\n")
    assert response.status_code == 302, response.get_data(as_text=True)
    auth.logout()
    link = re.search(r"https?://[^/\s]+(/invitation/\S+)", queued()[0].body_text).group(1)

    page = client.get(link, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Cecilia Centerchef" in page
    assert admin.centre.name in page
    assert "Kurs cell-basics" in page  # the course's Swedish title on a Swedish page
    assert "anna@example.com" in page

    bad = client.post(link, data={"password": "kort", "confirm": "kort"})
    assert bad.status_code == 422
    anna = db.session.scalar(select(User).where(User.email == "anna@example.com"))
    assert anna.password_hash is None

    done = client.post(
        link, data={"password": "tre ord som ingen gissar", "confirm": "tre ord som ingen gissar"}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/me/"
    me = client.get("/me/")
    assert me.status_code == 200
    assert "Cell Basics" in me.get_data(as_text=True) or "Kurs cell-basics" in me.get_data(
        as_text=True
    )
    db.session.refresh(anna)
    assert anna.password_hash is not None
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "login.succeeded", AuditEvent.subject_id == anna.id
        )
    )
    # The link works once: the password is set now.
    client.post("/auth/logout")
    assert client.get(link).status_code == 400


def test_invitation_page_with_a_forged_or_stale_token_changes_nothing(client, make_user):
    person = make_user(centre="skane")
    person.password_hash = None
    db.session.commit()
    token = make_token(person)
    person.session_version += 1
    db.session.commit()
    assert client.get(f"/invitation/{token}").status_code == 400
    response = client.post(f"/invitation/{token}", data={"password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 400
    assert db.session.get(User, person.id).password_hash is None
