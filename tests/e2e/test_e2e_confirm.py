"""In a real browser, without any script of ours: leaving a course asks first (issue 17).
The confirmation page says what happens, "Cancel" changes nothing, the button does it."""

from __future__ import annotations

from tests.e2e.conftest import check_accessibility
from tests.e2e.steps import register

COURSE = "car-t-nursing"


def test_leaving_a_course_is_confirmed_on_its_own_page(page_for, axe_source):
    page = page_for("en")
    register(page, "en", name="Conny Confirm")
    page.goto(f"/courses/{COURSE}/")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    page.locator("form[action$='/unenrol'] button").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Leave ")
    assert "are kept" in page.locator("main").inner_text()
    check_accessibility(page, axe_source, "en-confirm-leave")
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/unenrol']").count() == 1  # still enrolled
    page.locator("form[action$='/unenrol'] button").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Leave the course").click()
    page.wait_for_load_state()
    assert "You have left" in page.locator("main").inner_text()
    assert page.locator("form[action$='/unenrol']").count() == 0
