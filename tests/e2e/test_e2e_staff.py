"""In a real browser: an educator previews a draft that learners cannot see, and the staff
pages (educator, centre admin, site admin) pass axe-core in both languages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DRAFT_SLUG, DRAFT_TITLE, check_accessibility, login
from tests.e2e.steps import TEXT, complete_course, register


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_educator_previews_a_draft_that_learners_do_not_see(page_for, axe_source, locale):
    page = page_for(locale)
    login(page, "educator@example.com")
    # The educator is a researcher; the draft is for nurses.
    page.goto("/courses/?audience=nurse")
    entry = page.locator("li.card", has=page.locator(f"a[href^='/courses/{DRAFT_SLUG}/']"))
    assert TEXT[locale]["draft"] in entry.inner_text()
    check_accessibility(page, axe_source, f"{locale}-educator-catalogue-with-draft")
    entry.locator(f"a[href^='/courses/{DRAFT_SLUG}/']").first.click()
    page.wait_for_load_state()
    assert DRAFT_TITLE in page.locator("h1").inner_text()
    assert page.locator(".badge.draft").count() >= 1
    check_accessibility(page, axe_source, f"{locale}-educator-draft-course")
    page.locator(".module-list a").first.click()
    page.wait_for_load_state()
    assert "Module 1" in page.locator("h1").inner_text()
    check_accessibility(page, axe_source, f"{locale}-educator-draft-module")
    module_path = page.url.split(page.url.split("/courses/")[0], 1)[1]

    # The draft's quiz, as learners will see it; nothing is stored.
    page.goto(f"/courses/{DRAFT_SLUG}/quiz/module-1/")
    assert page.locator("form.quiz-form").count() == 1
    assert page.locator(".flash-warning").count() == 1  # the preview notice
    check_accessibility(page, axe_source, f"{locale}-educator-draft-quiz-preview")
    page.locator("form.quiz-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".quiz-outcome").count() == 1
    check_accessibility(page, axe_source, f"{locale}-educator-draft-quiz-preview-result")

    page.goto("/educator/quizzes/")
    check_accessibility(page, axe_source, f"{locale}-educator-quizzes")
    page.locator("main a[href^='/educator/quizzes/']").first.click()  # a quiz, not the menu
    page.wait_for_load_state()
    assert "/educator/quizzes/" in page.url
    check_accessibility(page, axe_source, f"{locale}-educator-quiz-statistics")
    page.goto("/centre/course-keys")
    check_accessibility(page, axe_source, f"{locale}-educator-course-keys")

    learner = page_for(locale)
    login(learner, "nurse@example.com")
    learner.goto("/courses/?audience=nurse")
    assert learner.locator("li.card").count() >= 2
    assert learner.locator(f"a[href^='/courses/{DRAFT_SLUG}/']").count() == 0
    assert learner.request.get(f"/courses/{DRAFT_SLUG}/").status == 404
    assert learner.request.get(module_path).status == 404


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_centre_admin_pages_pass_axe(page_for, axe_source, locale):
    page = page_for(locale)
    login(page, "centre-admin@example.com")
    paths = (
        "/quizzes/extra-attempts",
        "/centre/",
        "/centre/people",
        "/centre/assignments",
        "/centre/members",
        "/centre/import",
    )  # the import page last: its form is sent below
    for path in paths:
        page.goto(path)
        assert page.locator("h1").count() == 1
        name = path.strip("/").replace("/", "-")
        check_accessibility(page, axe_source, f"{locale}-{name}")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 1
    check_accessibility(page, axe_source, f"{locale}-centre-import-form-errors")


def test_site_admin_pages_and_revoking_a_certificate(page_for, axe_source):
    learner = page_for("sv")
    register(learner, "sv", name="Rut Återkallad")
    verify_path = complete_course(learner, "car-t-nursing", "sv")

    for locale in ("en", "sv"):
        page = page_for(locale)
        login(page, "admin@example.com")
        page.goto("/admin/users")
        check_accessibility(page, axe_source, f"{locale}-admin-users")
        page.locator("table a[href^='/admin/users/']").first.click()
        page.wait_for_load_state()
        check_accessibility(page, axe_source, f"{locale}-admin-user")
        page.goto("/centre/")
        check_accessibility(page, axe_source, f"{locale}-admin-network-report")
        page.goto(f"{verify_path}/revoke")
        check_accessibility(page, axe_source, f"{locale}-certificate-revoke")
        page.locator("form:has(#reason) button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#reason[aria-invalid=true]").count() == 1
        check_accessibility(page, axe_source, f"{locale}-certificate-revoke-errors")

    page.locator("#reason").fill("Utfärdat av misstag i ett test.")
    page.locator("form:has(#reason) button[type=submit]").click()
    page.wait_for_load_state()
    stranger = page_for("sv")
    stranger.goto(verify_path)
    assert "Återkallat" in stranger.get_by_role("status").inner_text()
    check_accessibility(stranger, axe_source, "sv-certificate-verification-revoked")
