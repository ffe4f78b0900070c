"""CSV for Swedish Excel and XLSX: the right rows, åäö intact, formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from lms.models import Profession

HEADINGS = [
    "Name",
    "E-mail",
    "Profession",
    "Centre",
    "Course",
    "Course version",
    "Status",
    "Enrolled on",
    "Due on",
    "Completed on",
    "Certificate code",
    "Expires on",
]
TRICKY = ['=HYPERLINK("http://x")', "+46 Plus", "-Minus", "@At Sign"]


@pytest.fixture
def tricky(known, make_user, records):
    for n, name in enumerate(TRICKY):
        user = make_user(name=name, centre="skane", profession=Profession.other,
                         email=f"tricky{n}@example.com")  # fmt: skip
        records.enrol(user, known.b1)
    return known


def _csv_rows(response) -> list[list[str]]:
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark Excel needs
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_excel_friendly(client, login, tricky):
    login(tricky.admin)
    response = client.get("/centre/report.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == HEADINGS
    assert b";" in response.data.splitlines()[0]
    by_name = {row[0]: row for row in rows[1:]}
    anna = by_name["Anna Åkesson"]
    assert anna[2:5] == ["Nurse", "Skånes universitetssjukhus", "Course A Cryo"]
    assert anna[5:7] == ["1.0.0", "Expiring soon"]  # the course version, then the status
    assert anna[10].startswith("0001-")
    assert len(anna[10]) == 34
    assert by_name["Bo Öhman"][6] == "Expired"
    assert by_name["David Berg"][8]  # the due date
    assert len(rows) == 1 + 12 + 1 + len(TRICKY)  # header, records, the admin (none yet)


def test_csv_neutralises_formulas(client, login, tricky):
    login(tricky.admin)
    names = [row[0] for row in _csv_rows(client.get("/centre/report.csv"))[1:]]
    for name in TRICKY:
        assert "'" + name in names
        assert name not in names


def test_csv_applies_the_filters(client, login, tricky):
    login(tricky.admin)
    rows = _csv_rows(client.get("/centre/report.csv?status=completed&course=course-b"))
    assert sorted(row[0] for row in rows[1:]) == ["Cecilia Ek", "Eva Lind", "Ingrid Vik"]
    rows = _csv_rows(client.get("/centre/report.csv?profession=physician"))
    assert [row[0] for row in rows[1:]] == ["David Berg"]


def test_xlsx_opens_with_the_right_rows(client, login, tricky):
    login(tricky.admin)
    response = client.get("/centre/report.xlsx?course=course-a")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {
        "Anna Åkesson",
        "Bo Öhman",
        "Cecilia Ek",
        "David Berg",
        "Eva Lind",
        "Hans Nord",
        "Johan Sjö",
    }
    bo = by_name["Bo Öhman"]
    assert bo[6] == "Expired"
    assert bo[11] is not None
    assert bo[11].year >= 2000
    assert by_name["Cecilia Ek"][6] == "In progress (a certificate was revoked)"
    assert by_name["Anna Åkesson"][5] == "1.0.0"  # the version of the enrolment
    # Made for Excel: the header stays in view, filters on, widths set, dates are dates.
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{len(rows)}"
    assert sheet.column_dimensions["E"].width >= 30
    assert sheet.cell(row=2, column=12).is_date or sheet.cell(row=2, column=12).value is None
    completed = [r for r in sheet.iter_rows(min_row=2) if r[9].value is not None]
    assert completed
    assert all(r[9].is_date for r in completed)


def test_xlsx_neutralises_formulas(client, login, tricky):
    login(tricky.admin)
    book = load_workbook(io.BytesIO(client.get("/centre/report.xlsx").data))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    for name in TRICKY:
        assert "'" + name in names
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)


def test_csv_in_swedish(client, login, known):
    login(known.admin)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    rows = _csv_rows(client.get("/centre/report.csv"))
    assert rows[0][2] == "Yrke"
    assert {row[0]: row for row in rows[1:]}["Anna Åkesson"][2] == "Sjuksköterska"


def test_csv_and_xlsx_are_streamed_with_every_row_once(client, login, known, make_user, records,
                                                       monkeypatch):  # fmt: skip
    """Sent in pieces while the rows are read (memory flat at any size); the pieces join
    into the same file: one byte-order mark, one heading row, every person once."""
    from lms.plugins.reports import exports

    monkeypatch.setattr(exports, "CSV_CHUNK", 3)  # several pieces from a small data set
    for n in range(8):
        records.enrol(make_user(name=f"Streamed {n}", centre="skane"), known.b1)
    login(known.admin)
    response = client.get("/centre/report.csv")
    assert response.status_code == 200
    assert response.is_streamed
    pieces = list(response.iter_encoded())
    assert len(pieces) > 3
    body = b"".join(pieces)
    assert body.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADINGS
    assert [r[0] for r in rows].count("Name") == 1
    streamed = sorted(r[0] for r in rows if r[0].startswith("Streamed"))
    assert streamed == [f"Streamed {n}" for n in range(8)]
    # The same bytes as the file made in one piece.
    monkeypatch.setattr(exports, "CSV_CHUNK", 100_000)
    assert client.get("/centre/report.csv").get_data() == body

    xlsx = client.get("/centre/report.xlsx")
    assert xlsx.is_streamed
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == "Name"
    assert sorted(v for v in values if v.startswith("Streamed")) == streamed
