"""Professions Swedish hospitals have: assistant nurse, biomedical scientist, pharmacy
technician, prescriptionist — in the enum, both languages, registration, filters, the course
front matter and the import (issue 17)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.content.frontmatter import Kind, parse
from lms.extensions import db
from lms.models import Profession, Role, User

NEW = {
    "assistant_nurse": ("Assistant nurse", "Undersköterska"),
    "biomedical_scientist": ("Biomedical scientist", "Biomedicinsk analytiker"),
    "pharmacy_technician": ("Pharmacy technician", "Apotekstekniker"),
    "prescriptionist": ("Prescriptionist", "Receptarie"),
}


def test_registration_offers_and_stores_the_new_professions(client, centres):
    page = client.get("/auth/register").get_data(as_text=True)
    for value, (english, _swedish) in NEW.items():
        assert f'value="{value}"' in page
        assert english in page
    swedish = client.get("/auth/register", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    for _english, sv in NEW.values():
        assert sv in swedish
    response = client.post(
        "/auth/register",
        data={
            "name": "Ulla Under",
            "email": "ulla@example.com",
            "password": "en lång lösenfras med ord",
            "confirm": "en lång lösenfras med ord",
            "centre": str(centres["skane"].id),
            "profession": "biomedical_scientist",
        },
    )
    assert response.status_code == 302
    ulla = db.session.scalar(select(User).where(User.email == "ulla@example.com"))
    assert ulla.profession == Profession.biomedical_scientist
    db.session.expire_all()
    assert db.session.get(User, ulla.id).profession == Profession.biomedical_scientist


def test_catalogue_filter_offers_them(client):
    page = client.get("/courses/").get_data(as_text=True)
    for value in NEW:
        assert f'value="{value}"' in page


@pytest.mark.parametrize("value", sorted(NEW))
def test_front_matter_accepts_them_as_audiences(value):
    text = (
        f'---\ntitle: T\nsummary: S.\naudiences: [{value}]\nversion: "1.0.0"\n'
        "language: en\nestimated_minutes: 5\n---\nBody\n"
    )
    assert parse(text, Kind.COURSE, "course.md").problems == []
    wrong = text.replace(value, "astronaut")
    assert parse(wrong, Kind.COURSE, "course.md").problems


def test_csv_import_takes_the_swedish_names_in_any_case(client, auth, make_user, make_course):
    admin = make_user(role=Role.centre_admin, centre="skane", email="chef@example.com")
    auth.login(admin)
    course = make_course("imported", modules=1, quiz_modules=(), course={"enrolment": "assigned"})
    content = (
        "email;name;profession\n"
        "a@example.com;A A;UNDERSKÖTERSKA\n"
        "b@example.com;B B;biomedicinsk analytiker\n"
        "c@example.com;C C;Apotekstekniker\n"
        "d@example.com;D D;receptarie\n"
    ).encode()
    from tests.enrolment.test_import import upload

    upload(client, course, content)
    stored = dict(db.session.execute(select(User.email, User.profession)).all())
    assert stored["a@example.com"] == Profession.assistant_nurse
    assert stored["b@example.com"] == Profession.biomedical_scientist
    assert stored["c@example.com"] == Profession.pharmacy_technician
    assert stored["d@example.com"] == Profession.prescriptionist
