"""The CSV import takes text as people's spreadsheets write it (issue 12, §4).

The files under ``tests/fixtures/trust/`` are byte-for-byte the cases of the issue.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Profession, Role, User
from tests.enrolment.test_import import upload

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "trust"


@pytest.fixture
def admin(client, auth, make_user):
    user = make_user(role=Role.centre_admin, centre="skane", email="chef@example.com")
    auth.login(user)
    return user


def imported(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_excel_sep_line_is_honoured(client, admin, assigned_course):
    data = (CASES / "import-excel-sep-line" / "staff.csv").read_bytes()
    assert data.startswith(b"sep=;\r\n")
    response = upload(client, assigned_course, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    per = imported("per@example.com")
    assert (per.name, per.profession) == ("Per Persson", Profession.physician)


def test_sep_line_with_a_comma_and_problems_count_lines_from_the_file(
    client, admin, assigned_course
):
    data = b"sep=,\nemail,name,profession\nok@example.com,Ok Person,nurse\nbad,Bad Row,nurse\n"
    response = upload(client, assigned_course, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "line 4:" in page  # the sep line is line 1, the header line 2
    assert imported("ok@example.com") is None


def test_line_break_in_a_name_cell_becomes_a_space(client, admin, assigned_course):
    data = (CASES / "import-line-break-in-name" / "staff.csv").read_bytes()
    assert b'"Anna\nAndersson"' in data
    response = upload(client, assigned_course, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert imported("anna.a@example.com").name == "Anna Andersson"


def test_control_character_in_a_name_cell_becomes_a_space(client, admin, assigned_course):
    data = (CASES / "name-control-character" / "staff.csv").read_bytes()
    assert b"Kalle\x0bKarlsson" in data
    response = upload(client, assigned_course, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert imported("kalle.k@example.com").name == "Kalle Karlsson"


def test_decomposed_letters_are_stored_composed(client, admin, assigned_course):
    name = unicodedata.normalize("NFD", "Åsa Öhrström")
    data = f"e-post;namn;yrke\nasa@example.com;{name};sjuksköterska\n"
    response = upload(client, assigned_course, unicodedata.normalize("NFD", data).encode())
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = imported("asa@example.com")
    assert stored.name == unicodedata.normalize("NFC", "Åsa Öhrström")
    assert stored.profession == Profession.nurse


def test_a_name_of_only_control_characters_is_missing(client, admin, assigned_course):
    response = upload(
        client, assigned_course, b"email,name,profession\nx@example.com,\x0b\x07,nurse\n"
    )
    assert response.status_code == 422
    assert "line 2: the name is missing or too long" in response.get_data(as_text=True)
