"""In a real browser: a centre admin assigns a course, enrols people from a CSV file, sees
the report change and exports it; every page on the way passes axe-core."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import check_accessibility, login
from tests.e2e.steps import course_doc


def _people_by_courses(page) -> int:
    return int(page.locator(".report-summary dd").first.inner_text())


def test_centre_admin_assigns_imports_and_exports(page_for, axe_source, tmp_path):
    page = page_for("en")
    login(page, "centre-admin@example.com")
    page.goto("/centre/")
    before = _people_by_courses(page)

    # Assign a course to every pharmacist at the centre, with a due date.
    title = course_doc("safe-handling").title
    page.goto("/centre/assignments")
    check_accessibility(page, axe_source, "en-centre-assignments")
    page.locator("#course").select_option(label=title)
    page.get_by_label("Everyone with a profession").check()
    page.locator("#profession").select_option(value="pharmacist")
    page.locator("#due_on").fill("2027-03-01")
    page.get_by_role("button", name="Assign and enrol").click()
    page.wait_for_load_state()
    assert "Assigned to" in page.locator(".flash").first.inner_text()
    assigned = page.locator("table tbody tr", has_text=title)
    assert assigned.count() >= 1
    check_accessibility(page, axe_source, "en-centre-assignments-done")

    # A CSV with a mistake imports nothing and says which row is wrong.
    tag = uuid.uuid4().hex[:8]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"email;name;profession\nanna.{tag}@example.com;Anna Åkesson;trollkarl\n",
        encoding="utf-8",
    )
    page.goto("/centre/import")
    check_accessibility(page, axe_source, "en-centre-import")
    page.locator("#course").select_option(label=title)
    page.locator("#file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "Nothing was imported" in page.get_by_role("alert").first.inner_text()
    check_accessibility(page, axe_source, "en-centre-import-errors")

    good = tmp_path / "staff.csv"
    good.write_text(
        "email;name;profession\n"
        f"anna.{tag}@example.com;Anna Åkesson;sjuksköterska\n"
        f"orjan.{tag}@example.com;Örjan Ängström;apotekare\n",
        encoding="utf-8",
    )
    page.goto("/centre/import")
    page.locator("#course").select_option(label=title)
    page.locator("#file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    # The preview: row by row, nothing written yet.
    assert page.get_by_text("New person, invited").count() == 2
    check_accessibility(page, axe_source, "en-centre-import-preview")
    page.get_by_role("button", name="Import 2 people").click()
    page.wait_for_load_state()
    flash = page.locator(".flash", has_text="Imported").inner_text()
    assert "Imported 2 people: 2 new accounts invited, 2 newly enrolled" in flash

    page.goto("/centre/")
    check_accessibility(page, axe_source, "en-centre-dashboard")
    assert page.locator("svg").count() >= 1
    assert _people_by_courses(page) >= before + 2

    page.goto("/centre/people")
    check_accessibility(page, axe_source, "en-centre-people")
    people = page.locator("table.report-people").inner_text()
    assert "Anna Åkesson" in people
    assert "Örjan Ängström" in people
    export = page.locator("a", has_text="Download these rows as CSV").get_attribute("href")
    response = page.request.get(export)
    assert response.status == 200
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Örjan Ängström" in body.decode("utf-8-sig")
