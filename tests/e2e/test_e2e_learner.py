"""In a real browser: a new nurse takes a whole course to its certificate, in both languages,
and a stranger verifies the certificate; every page on the way passes axe-core."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_accessibility
from tests.e2e.steps import (
    TEXT,
    answer_quiz,
    course_doc,
    quiz_link,
    quiz_questions,
    register,
    slug_of,
    start_quiz,
    wanted_answers,
)

COURSE = "car-t-nursing"


@pytest.mark.parametrize("locale", ["en", "sv"])
def test_nurse_completes_a_course_and_a_stranger_verifies_the_certificate(
    page_for, axe_source, locale
):
    text = TEXT[locale]
    name = "Åsa Öberg" if locale == "sv" else "Nora Nurse"
    page = page_for(locale)
    register(page, locale, name=name)

    page.goto("/courses/")
    assert page.locator("html").get_attribute("lang") == locale
    check_accessibility(page, axe_source, f"{locale}-catalogue")
    page.locator(f"a[href='/courses/{COURSE}/']").first.click()
    check_accessibility(page, axe_source, f"{locale}-course-before-enrolment")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/unenrol']").count() == 1

    for number, module in enumerate(course_doc(COURSE).modules):
        page.goto(f"/courses/{COURSE}/{module.slug}/")
        if number == 0:
            check_accessibility(page, axe_source, f"{locale}-module")
        quiz_path = quiz_link(page)
        questions = quiz_questions(COURSE, slug_of(quiz_path), locale)
        if number == 0:
            page.goto(quiz_path)
            check_accessibility(page, axe_source, f"{locale}-quiz-start")
        start_quiz(page, quiz_path)
        if number == 0:
            check_accessibility(page, axe_source, f"{locale}-quiz-form")
            answer_quiz(page, questions, right=False)
            outcome = page.locator(".quiz-outcome").inner_text()
            assert text["not_passed"] in outcome
            # Attempts are left: the right answers and explanations wait (show_answers).
            assert page.locator(".quiz-explanation").count() == 0
            assert page.locator(".quiz-feedback .badge").count() == len(questions)
            check_accessibility(page, axe_source, f"{locale}-quiz-feedback-failed")
            page.locator("form[action$='/start'] button").click()  # "Try again"
            page.wait_for_load_state()
        answer_quiz(page, questions, right=True)
        outcome = page.locator(".quiz-outcome").inner_text()
        assert text["passed"] in outcome
        assert text["not_passed"] not in outcome
        if number == 0:
            check_accessibility(page, axe_source, f"{locale}-quiz-feedback-passed")

    page.goto(f"/courses/{COURSE}/")
    assert page.locator(".enrolment-panel .badge.done").count() == 1
    page.goto("/me/")
    check_accessibility(page, axe_source, f"{locale}-me-with-certificate")
    pdf_href = page.locator("a[href$='.pdf']").first.get_attribute("href")
    pdf = page.request.get(pdf_href)
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
    verify_href = pdf_href.removesuffix(".pdf")
    assert page.locator(f"a[href='{verify_href}']").count() == 1

    stranger = page_for(locale)
    stranger.goto(verify_href)
    verdict = stranger.get_by_role("status").inner_text()
    assert text["valid"] in verdict
    assert name in stranger.locator("dl.facts").inner_text()
    assert stranger.locator("form[action$='/auth/logout']").count() == 0
    check_accessibility(stranger, axe_source, f"{locale}-certificate-verification")
    assert stranger.request.get(pdf_href, max_redirects=0).status in (302, 401, 403, 404)


def test_a_quiz_can_be_completed_with_the_keyboard_only(page_for):
    course = "atmp-fundamentals"
    page = page_for("en")
    register(page, "en", name="Kim Keyboard")
    page.goto(f"/courses/{course}/")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    module = course_doc(course).modules[0]
    page.goto(f"/courses/{course}/{module.slug}/")
    quiz_path = quiz_link(page)
    start_quiz(page, quiz_path)
    wanted = wanted_answers(page, quiz_questions(course, slug_of(quiz_path), "en"), right=True)
    focus = (
        "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type,"
        " name: e.name, value: e.value, checked: e.checked,"
        " submit: e.matches('form.quiz-form button[type=submit]')}; }"
    )
    for _ in range(300):
        now = page.evaluate(focus)
        if now["submit"]:
            with page.expect_navigation(url="**/attempts/**"):
                page.keyboard.press("Enter")
            break
        if now["type"] in ("radio", "checkbox") and now["name"] in wanted:
            want = now["value"] in wanted[now["name"]]
            if want and not now["checked"]:
                page.keyboard.press("Space")
                continue
            if now["type"] == "radio" and not want:
                page.keyboard.press("ArrowDown")
                continue
        page.keyboard.press("Tab")
    else:
        pytest.fail("never reached the submit button with Tab")
    assert "/attempts/" in page.url
    assert "Passed" in page.locator(".quiz-outcome").inner_text()
    assert "Not passed" not in page.locator(".quiz-outcome").inner_text()
    assert page.locator(".quiz-verdict", has_text="Wrong").count() == 0
