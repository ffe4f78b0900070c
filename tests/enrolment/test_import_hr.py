"""Importing staff as HR systems export them (issue 17): XLSX, Swedish headings in any order,
job titles mapped to professions, the unit kept, personnummer never stored, a preview row by
row before anything is written, moves only when confirmed."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Profession, Role, User
from lms.plugins.enrolment.models import Enrolment, ImportBatch, JobTitle

HEADER = [
    "Anställningsnummer",
    "Personnummer",
    "Befattning",
    "Namn",
    "Enhet",
    "E-post",
    "Kostnadsställe",
]
STAFF = [
    [1001, "19800101-1234", "Specialistsjuksköterska", "Anna Ek", "Hematologi", "anna@ex.se", 7],
    [1002, "198202021235", "Leg. apotekare", "Bo Ås", "Sjukhusapoteket", "bo@ex.se", 7],
    [1003, "19830303-1236", "Överläkare", "Cia Berg", "Hematologi", "cia@ex.se", 7],
    [1004, "19840404-1237", "UNDERSKÖTERSKA", "Dan Al", "Avd 41", "dan@ex.se", 7],
    [1005, "19850505-1238", "Biomedicinsk analytiker", "Eva Lind", "Lab", "eva@ex.se", 7],
    [1006, "19860606-1239", "Receptarie", "Fia Ur", "Sjukhusapoteket", "fia@ex.se", 7],
    [1007, "19870707-1230", "ST-läkare", "Gus Ny", "Hematologi", "gus@ex.se", 7],
]


def xlsx(header, rows, title_row=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title_row:
        sheet.append([title_row])
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post_file(client, course, content: bytes, name="personal.xlsx", **extra):
    data = {"course": str(course.course_id), "file": (io.BytesIO(content), name), **extra}
    return client.post("/centre/import", data=data, content_type="multipart/form-data")


def confirm_url(page: str) -> str:
    return re.search(r'action="(/centre/import/\d+)"', page).group(1)


def problems(page: str) -> list[str]:
    return re.findall(r"<li>(line \d+: [^<]+)</li>", page)


@pytest.fixture
def admin(client, auth, make_user):
    user = make_user(role=Role.centre_admin, centre="skane", email="chef@example.com")
    auth.login(user)
    return user


def test_xlsx_with_swedish_headings_previews_then_imports(client, admin, assigned_course):
    response = post_file(client, assigned_course, xlsx(HEADER, STAFF, title_row="Personal"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, problems(page)
    # Nothing is written before the admin confirms.
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert "Columns left out: Anställningsnummer, Kostnadsställe." in page
    assert "Left out and not stored: Personnummer." in page
    assert "personal identity numbers" in page
    assert page.count("New person, invited") == 7
    assert "Specialistsjuksköterska → Nurse" in page
    # The draft holds only the columns the platform uses.
    batch = db.session.scalar(select(ImportBatch))
    assert "1234" not in repr(batch.rows)
    assert "1001" not in repr(batch.rows)
    assert set(batch.rows[0]) == {"line", "email", "name", "title", "unit"}
    assert batch.rows[0]["line"] == 4  # the sheet's row: a title, an empty row, the header

    done = client.post(confirm_url(page), data={})
    assert done.status_code == 302
    stored = {u.email: u for u in db.session.scalars(select(User).where(User.id != admin.id))}
    assert {e: (u.profession, u.unit) for e, u in stored.items()} == {
        "anna@ex.se": (Profession.nurse, "Hematologi"),
        "bo@ex.se": (Profession.pharmacist, "Sjukhusapoteket"),
        "cia@ex.se": (Profession.physician, "Hematologi"),
        "dan@ex.se": (Profession.assistant_nurse, "Avd 41"),
        "eva@ex.se": (Profession.biomedical_scientist, "Lab"),
        "fia@ex.se": (Profession.prescriptionist, "Sjukhusapoteket"),
        "gus@ex.se": (Profession.physician, "Hematologi"),
    }
    assert db.session.scalar(select(func.count(Enrolment.id))) == 7
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrolment.imported"))
    assert event.details["ignored_columns"] == ["Anställningsnummer", "Kostnadsställe"]
    assert "1234" not in repr(event.details)


def test_personnummer_is_recognised_by_its_cells_too(client, admin, assigned_course):
    header = ["E-post", "Namn", "Befattning", "Id"]
    rows = [["a@ex.se", "A A", "Leg. sjuksköterska", "19800101-1234"]]
    page = post_file(client, assigned_course, xlsx(header, rows)).get_data(as_text=True)
    assert "Left out and not stored: Id." in page
    assert "19800101" not in repr(db.session.scalar(select(ImportBatch)).rows)


def test_english_headings_first_and_last_name_in_a_csv(client, admin, assigned_course):
    content = "Last name;Department;First name;Email;Job title\nEk;Hem;Anna;a@ex.se;Nurse\n"
    page = post_file(client, assigned_course, content.encode(), name="x.csv").get_data(as_text=True)
    client.post(confirm_url(page), data={})
    anna = db.session.scalar(select(User).where(User.email == "a@ex.se"))
    assert (anna.name, anna.unit, anna.profession) == ("Anna Ek", "Hem", Profession.nurse)


def test_unknown_title_is_shown_with_its_line_and_mapped_for_this_file(
    client, admin, assigned_course
):
    rows = [*STAFF[:2], [1009, "", "Kurator", "Hal Kur", "Hem", "hal@ex.se", 7]]
    response = post_file(client, assigned_course, xlsx(HEADER, rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert problems(page) == ["line 4: unknown job title “Kurator”: map it to a profession below"]
    assert "Import 3 people" not in page  # no confirm button while a row has a problem
    batch = db.session.scalar(select(ImportBatch))
    mapped = client.post(
        f"/centre/import/{batch.id}/title", data={"title": "Kurator", "profession": "other"}
    )
    assert mapped.status_code == 302
    page = client.get(mapped.headers["Location"]).get_data(as_text=True)
    assert "Kurator → Other" in page
    assert client.post(confirm_url(page), data={}).status_code == 302
    hal = db.session.scalar(select(User).where(User.email == "hal@ex.se"))
    assert hal.profession == Profession.other
    assert db.session.scalar(select(func.count(JobTitle.id))) == 0  # only for this file


def test_a_site_admin_maps_a_title_for_everyone(client, auth, make_user, assigned_course):
    site = make_user(role=Role.site_admin, centre="skane", email="site@example.com")
    auth.login(site)
    rows = [["a@ex.se", "A A", "Kurator"]]
    post_file(client, assigned_course, xlsx(["E-post", "Namn", "Befattning"], rows))
    batch = db.session.scalar(select(ImportBatch))
    client.post(
        f"/centre/import/{batch.id}/title", data={"title": "  KURATOR ", "profession": "other"}
    )
    assert db.session.scalar(select(JobTitle.title)) == "kurator"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job_title.mapped"))
    assert event.actor_id == site.id
    assert event.details["new"] == "other"
    page = client.get("/centre/job-titles").get_data(as_text=True)
    assert "kurator" in page
    assert "specialistsjuksköterska" in page
    response = client.post(
        "/centre/job-titles", data={"title": "Hygiensjuksköterska", "profession": "nurse"}
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            select(JobTitle.profession).where(JobTitle.title == "hygiensjuksköterska")
        )
        == "nurse"
    )


def test_job_titles_page_is_for_site_admins(client, admin):
    assert client.get("/centre/job-titles").status_code == 403
    response = client.post("/centre/job-titles", data={"title": "x", "profession": "nurse"})
    assert response.status_code == 403


def test_existing_person_keeps_profession_and_gets_the_unit_audited(
    client, admin, make_user, assigned_course
):
    anna = make_user(email="anna@ex.se", centre="skane", profession=Profession.researcher)
    page = post_file(client, assigned_course, xlsx(HEADER, STAFF[:1])).get_data(as_text=True)
    assert "Already there" in page
    assert "– → Hematologi" in page
    client.post(confirm_url(page), data={})
    db.session.refresh(anna)
    assert (anna.profession, anna.unit) == (Profession.researcher, "Hematologi")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.updated"))
    assert event.subject_id == anna.id
    assert event.details["via"] == "import"
    assert event.details["unit"] == {"old": None, "new": "Hematologi"}


def test_a_centre_admin_cannot_take_people_from_another_centre(
    client, admin, make_user, assigned_course
):
    make_user(email="bo@ex.se", centre="karolinska")
    response = post_file(client, assigned_course, xlsx(HEADER, STAFF[:2]))
    assert response.status_code == 422
    assert any(
        p.startswith("line 3: bo@ex.se belongs to another centre")
        for p in problems(response.get_data(as_text=True))
    )


def test_a_move_from_another_centre_needs_confirming(
    client, auth, make_user, assigned_course, centres
):
    site = make_user(role=Role.site_admin, centre="skane", email="site@example.com")
    bo = make_user(email="bo@ex.se", centre="karolinska")
    auth.login(site)
    page = post_file(client, assigned_course, xlsx(HEADER, STAFF[:2])).get_data(as_text=True)
    assert "Moves from Karolinska Universitetssjukhuset" in page
    refused = client.post(confirm_url(page), data={})
    assert refused.status_code == 422
    assert "Tick the box to move the people from other centres" in refused.get_data(as_text=True)
    db.session.refresh(bo)
    assert bo.centre_id == centres["karolinska"].id
    assert db.session.scalar(select(func.count(User.id))) == 2  # nothing written
    assert client.post(confirm_url(page), data={"move": "y"}).status_code == 302
    db.session.refresh(bo)
    assert bo.centre_id == centres["skane"].id


def test_a_draft_is_only_its_uploaders(client, auth, admin, make_user, assigned_course):
    page = post_file(client, assigned_course, xlsx(HEADER, STAFF[:1])).get_data(as_text=True)
    other = make_user(role=Role.centre_admin, centre="skane", email="chef2@example.com")
    auth.logout()
    auth.login(other)
    assert client.get(confirm_url(page)).status_code == 404
    assert client.post(confirm_url(page), data={}).status_code == 404
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_broken_xlsx_and_missing_columns(client, admin, assigned_course):
    response = post_file(client, assigned_course, b"PK\x03\x04garbage" * 10)
    assert response.status_code == 422
    assert "neither a CSV nor an XLSX file" in response.get_data(as_text=True)
    response = post_file(client, assigned_course, xlsx(["Namn", "Enhet"], [["A", "B"]]))
    assert response.status_code == 422
    assert "missing: email, profession" in response.get_data(as_text=True)
