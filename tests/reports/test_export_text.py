"""Exports never fail on stored text (issue 12, §4, case ``name-control-character``).

Rows stored before names were cleaned may hold a vertical tab from a pasted cell (openpyxl
refuses it: IllegalCharacterError, and the whole centre's export was a 500), a NUL or a
line break. The rows are written with a Core UPDATE, around the model's own cleaning.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from lms.extensions import db
from lms.models import Profession, User

STORED = {
    "lena@example.com": "Lena\x0bLind",
    "anna@example.com": "Anna\nAndersson",
    "nul@example.com": "Nils\x00Nul\x1b",
}
SHOWN = {"Lena Lind", "Anna Andersson", "Nils Nul"}


@pytest.fixture
def old_rows(known, make_user, records):
    postgres = db.engine.dialect.name == "postgresql"
    for email, name in STORED.items():
        user = make_user(email=email, centre="skane", profession=Profession.other)
        records.enrol(user, known.b1)
        if postgres:
            name = name.replace("\x00", "\x01")  # PostgreSQL cannot hold a NUL in text
        db.session.execute(update(User).where(User.id == user.id).values(name=name))
    db.session.commit()
    return known


def test_xlsx_is_written_with_every_name_printable(client, login, old_rows):
    login(old_rows.admin)
    response = client.get("/centre/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names >= SHOWN


def test_csv_is_written_with_every_name_on_one_line(client, login, old_rows):
    login(old_rows.admin)
    response = client.get("/centre/report.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert {row[0] for row in rows[1:]} >= SHOWN
    assert b"\x0b" not in response.data
    assert b"\x00" not in response.data
