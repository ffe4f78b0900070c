"""In a real browser, without any script of ours: leaving a course asks first (issue 17).
The confirmation page says what happens, "Cancel" changes nothing, the button does it."""

from __future__ import annotations

from tests.e2e.conftest import check_accessibility, login
from tests.e2e.steps import course_doc, register

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


def test_withdrawing_an_assignment_is_confirmed_with_its_reason(page_for, axe_source):
    """The reason typed on the assignment's page is carried to the confirmation page; an
    empty reason says so and changes nothing; "Cancel" changes nothing; the button does it."""
    page = page_for("en")
    login(page, "centre-admin@example.com")
    page.goto("/centre/assignments?person_q=nurse%40example.com")
    page.locator("#course").select_option(label=course_doc("atmp-fundamentals").title)
    page.locator("#person").select_option(label="Nora Nyström (demo) (nurse@example.com)")
    page.get_by_role("button", name="Assign and enrol").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text="Nora Nyström").filter(has_text="Open").first
    row.get_by_role("link", name="Change").click()
    page.wait_for_load_state()
    here = page.url
    page.get_by_role("button", name="Withdraw", exact=True).click()
    page.wait_for_load_state()
    assert "Type the reason for withdrawing" in page.locator(".flash").first.inner_text()
    assert page.url == here  # nothing changed, still on the assignment
    page.locator("section", has_text="Withdraw the assignment").locator("input[name=reason]").fill(
        "Works nights only"
    )
    page.get_by_role("button", name="Withdraw", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Withdraw the assignment of Nora Nyström (demo)?"
    assert "Works nights only" in page.locator("main").inner_text()
    check_accessibility(page, axe_source, "en-confirm-withdraw-assignment")
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_load_state()
    assert page.url == here
    assert page.get_by_role("button", name="Withdraw", exact=True).count() == 1  # still open
    page.locator("section", has_text="Withdraw the assignment").locator("input[name=reason]").fill(
        "Works nights only"
    )
    page.get_by_role("button", name="Withdraw", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Withdraw the assignment").click()
    page.wait_for_load_state()
    assert "The assignment is withdrawn." in page.locator(".flash").first.inner_text()
    assert "Works nights only" in page.locator("table").inner_text()
