"""In a real browser: a centre admin requires every nurse of the Hematologi unit at
Karolinska to hold car-t-nursing within 30 days, sees the training matrix fill, and the nurse
sees the requirement (the assigned mail is queued with it); every page passes axe-core."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import check_accessibility, login
from tests.e2e.steps import course_doc

NURSE = "Nora Nyström (demo)"


def test_centre_admin_requires_car_t_nursing_for_hematologi_nurses(page_for, axe_source):
    tag = uuid.uuid4().hex[:6]
    unit = f"Hematologi {tag}"
    title = course_doc("car-t-nursing").title
    page = page_for("en")
    login(page, "centre-admin@example.com")

    # The nurse works in the Hematologi unit (the centre sets it, with a reason).
    page.goto("/centre/members")
    page.locator("a", has_text="Profession and unit").filter(has_text=NURSE).first.click()
    page.wait_for_load_state()
    page.locator("#unit").fill(unit)
    page.locator("#reason").fill("Works on the haematology ward")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto("/centre/requirements")
    check_accessibility(page, axe_source, "en-compliance-requirements")
    page.locator("#name").fill(f"CAR-T qualification {tag}")
    page.locator("#reason").fill("The product information requires trained staff.")
    page.locator("#profession").select_option(value="nurse")
    page.locator("#unit").fill(unit)
    page.locator("#course").select_option(label=title)
    page.locator("#days_to_complete").fill("30")
    page.get_by_role("button", name="Save and assign").click()
    page.wait_for_load_state()
    flash = page.locator(".flash").first.inner_text()
    assert "1 person matches, 1 was assigned the course" in flash
    check_accessibility(page, axe_source, "en-compliance-requirements-saved")

    page.goto("/centre/matrix?unit=" + unit.replace(" ", "+"))
    check_accessibility(page, axe_source, "en-compliance-matrix")
    matrix = page.locator("table.matrix").inner_text()
    assert NURSE in matrix
    assert "Due" in matrix
    assert "0 of 1 hold it" in matrix
    response = page.request.get("/centre/matrix.xlsx")
    assert response.status == 200

    nurse = page_for("en")
    login(nurse, "nurse@example.com")
    nurse.goto("/me/")
    panel = nurse.locator("section", has_text="Required training").first.inner_text()
    assert f"Why: CAR-T qualification {tag}" in panel
    assert "course assigned" in panel  # the assigned mail was queued with the assignment
    check_accessibility(nurse, axe_source, "en-compliance-me")
