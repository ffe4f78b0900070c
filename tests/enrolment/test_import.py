"""Bulk enrolment from CSV: all or nothing, every bad row by line number, invitations."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Profession, Role, User
from lms.plugins.enrolment.models import Assignment, Enrolment
from tests.mailbox import queued


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(client, auth, make_user):
    user = make_user(role=Role.centre_admin, centre="skane", email="chef@example.com")
    auth.login(user)
    return user


def upload(client, course, content: bytes, name="staff.csv", confirm=True, **extra):
    """Upload a staff file; with ``confirm``, also confirm a preview without problems (the
    answer is then the confirmation's)."""
    data = {"course": str(course.course_id), "file": (io.BytesIO(content), name), **extra}
    response = client.post("/centre/import", data=data, content_type="multipart/form-data")
    preview = re.search(r'action="(/centre/import/\d+)"', response.get_data(as_text=True))
    if confirm and response.status_code == 200 and preview:
        return client.post(preview.group(1), data={"move": "y"} if confirm == "move" else {})
    return response


def outbox(app):
    return queued()


GOOD = (
    "email,name,profession\n"
    "anna@example.com,Anna Andersson,nurse\n"
    "bo@example.com,Bo Berg,pharmacist\n"
)


def test_good_file_creates_accounts_enrols_and_invites(app, client, admin, assigned_course):
    due = date.today() + timedelta(days=60)
    response = upload(client, assigned_course, GOOD.encode(), assign="y", due_on=due.isoformat())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 2 people: 2 new accounts invited, 2 newly enrolled, 2 assigned." in page
    users = {u.email: u for u in db.session.scalars(select(User).where(User.id != admin.id))}
    assert set(users) == {"anna@example.com", "bo@example.com"}
    assert users["bo@example.com"].profession == Profession.pharmacist
    assert all(u.password_hash is None and u.centre_id == admin.centre_id for u in users.values())
    assert count(Enrolment) == 2
    assert count(Assignment) == 2
    assert set(db.session.scalars(select(Assignment.due_on))) == {due}
    assert set(db.session.scalars(select(Enrolment.method))) == {"import"}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrolment.imported"))
    assert audit.actor_id == admin.id
    assert audit.details["created"] == 2
    mails = outbox(app)
    assert [m.recipient for m in mails] == ["anna@example.com", "bo@example.com"]
    body = mails[0].body_text
    assert "Assigned Course" in body
    assert "choose your password" in body
    link = re.search(r"https://learn.atmp.test(/invitation/\S+)", body).group(1)
    # The invitation page says who invited them to what, and takes their first password.
    client.post("/auth/logout")
    invitation = client.get(link)
    assert invitation.status_code == 200
    assert "anna@example.com" in invitation.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Imported 1 person: 1 new account invited, 1 newly enrolled, 0 assigned."),
        ("sv", "Importerade 1 person: 1 nytt konto inbjudet, 1 nyanmäld, 0 tilldelade."),
    ],
)
def test_one_imported_person_is_one_person(client, admin, assigned_course, lang, said):
    client.post("/lang", data={"lang": lang})
    one = "email,name,profession\nanna@example.com,Anna Andersson,nurse\n"
    response = upload(client, assigned_course, one.encode())
    assert said in client.get(response.headers["Location"]).get_data(as_text=True)


def test_two_imported_people_in_swedish(client, admin, assigned_course):
    client.post("/lang", data={"lang": "sv"})
    response = upload(client, assigned_course, GOOD.encode())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Importerade 2 personer: 2 nya konton inbjudna, 2 nyanmälda, 0 tilldelade." in page


def test_invitation_link_stops_working_once_a_password_is_set(app, client, admin, assigned_course):
    upload(client, assigned_course, GOOD.encode())
    body = outbox(app)[0].body_text
    link = re.search(r"https://learn.atmp.test(/invitation/\S+)", body).group(1)
    anna = db.session.scalar(select(User).where(User.email == "anna@example.com"))
    anna.password_hash = "set-elsewhere"
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "This invitation link no longer works" in response.get_data(as_text=True)
    assert client.get("/invitation/garbage").status_code == 400


def test_bad_rows_are_all_reported_and_nothing_is_imported(app, client, admin, assigned_course):
    content = (
        "Email;Name;Profession\n"  # line 1
        "ok@example.com;Okay Person;nurse\n"  # line 2
        "not-an-email;Some One;nurse\n"  # line 3
        ";No Mail;nurse\n"  # line 4
        "x@example.com;;nurse\n"  # line 5
        "y@example.com;Yvonne;astronaut\n"  # line 6
        "OK@example.com;Okay Again;nurse\n"  # line 7: duplicate of line 2
    )
    response = upload(client, assigned_course, content.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in page
    problems = re.findall(r"<li>(line \d+: [^<]+)</li>", page)
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    assert "astronaut" in problems[3]
    assert "also on line 2" in problems[4]
    assert count(User) == 1
    assert count(Enrolment) == 0
    assert outbox(app) == []


def test_person_of_another_centre_refuses_the_file(client, admin, make_user, assigned_course):
    make_user(email="other@example.com", centre="karolinska")
    content = GOOD + "other@example.com,Other Person,nurse\n"
    page = upload(client, assigned_course, content.encode()).get_data(as_text=True)
    assert "line 4: other@example.com belongs to another centre" in page
    assert count(Enrolment) == 0
    assert count(User) == 2


def test_bom_semicolon_and_swedish_letters(client, admin, make_user, assigned_course):
    existing = make_user(email="karin@example.com", centre="skane", name="Karin Ström")
    content = (
        "\ufeffE-post;Namn;Yrke\r\n"
        "Åke.Öst@example.com;Åke Öst;Sjuksköterska\r\n"
        "\r\n"
        "karin@example.com;Karin Ström;läkare\r\n"
        'märta@example.com;"Märta Ärlig; MD";Läkare\r\n'
    ).encode("utf-8")
    response = upload(client, assigned_course, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    ake = db.session.scalar(select(User).where(User.email == "åke.öst@example.com"))
    assert ake.name == "Åke Öst"
    assert ake.profession == Profession.nurse
    marta = db.session.scalar(select(User).where(User.email == "märta@example.com"))
    assert marta.name == "Märta Ärlig; MD"
    assert marta.profession == Profession.physician
    db.session.refresh(existing)
    assert existing.profession == Profession.nurse  # an existing profile is not overwritten
    assert count(Enrolment) == 3


def test_oversize_file_is_refused(app, client, admin, assigned_course):
    app.config["LMS_CSV_MAX_BYTES"] = 2048
    content = GOOD + "".join(f"p{n}@example.com,Person {n},nurse\n" for n in range(200))
    page = upload(client, assigned_course, content.encode()).get_data(as_text=True)
    assert "The file is larger than 2 kB." in page
    assert count(Enrolment) == 0


def test_too_many_rows_is_refused(app, client, admin, assigned_course):
    app.config["LMS_CSV_MAX_ROWS"] = 3
    content = "email,name,profession\n" + "".join(
        f"p{n}@example.com,Person {n},nurse\n" for n in range(4)
    )
    page = upload(client, assigned_course, content.encode()).get_data(as_text=True)
    assert "The file has more than 3 rows" in page
    assert count(User) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is neither a CSV nor an XLSX file."),
        (b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml", "This is neither a CSV nor an XLSX file."),
        (
            "email,name,profession\nå@example.com,Åsa,nurse\n".encode("latin-1"),
            "The file is not UTF-8 text.",
        ),
        (b"", "The file is empty."),
        (b"mail,namn\nx@example.com,X\n", "line 1: the header must name the columns"),
        (b"email,name,profession\n", "The file has no rows under the header."),
    ],
)
def test_files_that_are_not_usable_csv(client, admin, assigned_course, content, message):
    response = upload(client, assigned_course, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Enrolment) == 0


def test_upload_needs_a_file(client, admin, assigned_course):
    response = client.post("/centre/import", data={"course": assigned_course.course_id})
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)
    assert '<label for="file">Staff file (XLSX or CSV)</label>' in response.get_data(as_text=True)
