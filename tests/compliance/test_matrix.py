"""The training matrix: cells, filters, exports, access, and a constant number of queries."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from lms import people
from lms.extensions import db
from lms.models import Profession, Role
from tests.compliance.conftest import complete_course, requirement_for
from tests.sql import counting


def _setup(make_user, course, clock, n=3):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    nurses = [make_user(centre="karolinska", name=f"Nurse {i}") for i in range(n)]
    requirement_for(admin, course, name="CAR-T qualification")
    return admin, nurses


def test_cells_filters_and_access(client, auth, make_user, cart_course, clock):
    admin, (done, _due, _other) = _setup(make_user, cart_course, clock)
    pharmacist = make_user(centre="karolinska", profession=Profession.pharmacist, name="Pia")
    people.update(done, unit="Hematologi", actor=admin, via="admin")
    db.session.commit()
    complete_course(client, auth, done)
    make_user(centre="skane", name="Skåne Nurse")
    clock.set("2026-04-02T08:00Z")
    auth.login(admin)
    page = client.get("/centre/matrix").get_data(as_text=True)
    assert "CAR-T nursing" in page
    assert "1 of 3 hold it" in page  # three nurses must; the pharmacist and admin need not
    assert "Skåne Nurse" not in page
    assert "Valid" in page
    assert "Overdue" in page
    assert "Not required" in page  # the pharmacist
    assert "Pia" in page
    filtered = client.get("/centre/matrix?unit=hematologi").get_data(as_text=True)
    assert "Nurse 0" in filtered
    assert "Nurse 1" not in filtered
    by_profession = client.get("/centre/matrix?profession=pharmacist").get_data(as_text=True)
    assert "Pia" in by_profession
    assert "Nurse 0" not in by_profession
    junk = client.get("/centre/matrix?profession=x&requirement=abc&unit=" + "u" * 500)
    assert junk.status_code == 200
    assert client.get("/centre/matrix?centre=skane").status_code == 200  # own centre only
    assert "Skåne Nurse" not in client.get("/centre/matrix?centre=skane").get_data(as_text=True)
    auth.logout()
    auth.login(pharmacist)
    assert client.get("/centre/matrix").status_code in (302, 403, 404)


def test_exports_csv_and_xlsx(client, auth, make_user, cart_course, clock):
    admin, nurses = _setup(make_user, cart_course, clock)
    nurses[0].name = "=HYPERLINK(evil)"
    db.session.commit()
    auth.login(admin)
    response = client.get("/centre/matrix.csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:4] == ["Name", "E-mail", "Profession", "Unit or ward"]
    assert table[0][4] == "CAR-T nursing"
    assert any(row[0] == "'=HYPERLINK(evil)" for row in table)
    assert all(row[4].startswith("Due") for row in table[1:] if row[2] == "Nurse")
    response = client.get("/centre/matrix.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:E{len(nurses) + 2}"
    assert sheet.column_dimensions["A"].width >= 10
    assert sheet["E1"].value == "CAR-T nursing"


def test_constant_number_of_queries(client, auth, make_user, cart_course, clock):
    admin, _nurses = _setup(make_user, cart_course, clock, n=2)
    auth.login(admin)
    client.get("/centre/matrix")
    with counting(transaction_control=False) as few:
        assert client.get("/centre/matrix").status_code == 200
    for i in range(10):
        make_user(centre="karolinska", name=f"More {i}")
    with counting(transaction_control=False) as many:
        page = client.get("/centre/matrix").get_data(as_text=True)
    assert "More 9" in page
    assert len(many) == len(few), "\n".join(many)


def test_learner_sees_requirements_and_reminders_and_admin_the_digest(
    client, auth, make_user, cart_course, clock
):
    admin, (nurse, *_rest) = _setup(make_user, cart_course, clock)
    auth.login(nurse)
    page = client.get("/me/").get_data(as_text=True)
    assert "Required training" in page
    assert "Why: CAR-T qualification" in page
    assert "course assigned" in page
    auth.logout()
    auth.login(admin)
    page = client.get("/centre/").get_data(as_text=True)
    assert "Required training this week" in page
    assert "New people without their required training: 3" in page


def test_pages_of_people_keep_the_column_counts_of_everyone(
    client, auth, make_user, cart_course, clock, monkeypatch
):
    """The page shows a page of people; the counts above the columns are the centre's."""
    from lms.plugins.compliance import matrix_views

    monkeypatch.setattr(matrix_views, "PAGE_SIZE", 2)
    admin, _nurses = _setup(make_user, cart_course, clock, n=5)  # Nurse 0..4, and the admin
    auth.login(admin)
    first = client.get("/centre/matrix?profession=nurse").get_data(as_text=True)
    assert "0 of 5 hold it" in first
    assert "Page 1 of 3" in first
    assert "Nurse 0" in first
    assert "Nurse 1" in first
    assert "Nurse 2" not in first
    assert "profession=nurse" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    last = client.get("/centre/matrix?profession=nurse&page=99").get_data(as_text=True)
    assert "Page 3 of 3" in last
    assert "Nurse 4" in last
    assert "Nurse 0" not in last
    assert "0 of 5 hold it" in last
    assert client.get("/centre/matrix?page=x").status_code == 400
    csv_body = client.get("/centre/matrix.csv?profession=nurse").get_data(as_text=True)
    assert all(f"Nurse {i}" in csv_body for i in range(5))  # the export holds everyone
