"""Shared steps of the browser journeys: registering, answering quizzes from the course files.

The answers come from the course files themselves (``lms.content.load_course``), so the
tests keep working when an educator rewrites a question; quizzes shuffle their choices, so
choices are found by their text, never by their position.
"""

from __future__ import annotations

import html
import re
import uuid
from functools import cache
from pathlib import Path

from lms.content import load_course
from tests.e2e.conftest import ROOT

PASSWORD = "tre ord som ingen gissar"

# What the pages say, per language of the run.
TEXT = {
    "en": {
        "passed": "Passed",
        "not_passed": "Not passed",
        "valid": "Valid certificate",
        "draft": "Draft",
        "assigned": "Assigned to",
    },
    "sv": {
        "passed": "Godkänd",
        "not_passed": "Inte godkänd",
        "valid": "Giltigt intyg",
        "draft": "Utkast",
        "assigned": "Tilldelad",
    },
}


def plain(text: str) -> str:
    """Visible text of some HTML (or of a label), with the whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@cache
def course_doc(slug: str):
    doc, problems = load_course(ROOT / "courses" / slug)
    assert doc is not None, problems
    return doc


def quiz_questions(slug: str, quiz_slug: str, locale: str):
    """The questions of one quiz in the language the page shows."""
    quiz = next(q for q in course_doc(slug).quizzes if q.slug == quiz_slug)
    return quiz.translated(locale).questions


def wanted_answers(page, questions, *, right: bool) -> dict[str, set[str]]:
    """Per input name, the values to tick: every correct choice, or one wrong one."""
    wanted: dict[str, set[str]] = {}
    for fieldset in page.locator("form.quiz-form fieldset").all():
        choices = {}
        for item in fieldset.locator("li").all():
            box = item.locator("input")
            choices[plain(item.locator("label").inner_text())] = (
                box.get_attribute("name"),
                box.get_attribute("value"),
            )
        question = next(q for q in questions if {plain(c.html) for c in q.choices} == set(choices))
        if right:
            values = {choices[plain(question.choices[i].html)] for i in question.correct_indexes}
        else:
            wrong = next(c for c in question.choices if not c.correct)
            values = {choices[plain(wrong.html)]}
        for name, value in values:
            wanted.setdefault(name, set()).add(value)
    assert wanted, "no questions on the quiz page"
    return wanted


def answer_quiz(page, questions, *, right: bool) -> None:
    """Tick the answers by clicking their labels, then submit."""
    wanted = wanted_answers(page, questions, right=right)
    for name, values in wanted.items():
        for value in values:
            box = page.locator(f'input[name="{name}"][value="{value}"]')
            page.locator(f'label[for="{box.get_attribute("id")}"]').click()
            assert box.is_checked()
    page.locator("form.quiz-form button[type=submit]").click()
    page.wait_for_load_state()


def register(page, locale: str, *, name: str, profession: str = "nurse") -> str:
    """A new account with a unique e-mail; returns that e-mail."""
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
    page.goto("/auth/register")
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#centre").select_option(index=1)
    page.locator("#profession").select_option(value=profession)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("form:has(#confirm) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/auth/logout']").count() == 1, page.content()
    return email


def quiz_link(page) -> str:
    return page.locator("a[href*='/quiz/']").first.get_attribute("href")


def start_quiz(page, path: str) -> None:
    """Open the quiz's page and press its start button (starting is a POST)."""
    page.goto(path)
    page.locator("form[action$='/start'] button").click()
    page.wait_for_load_state()
    assert page.locator("form.quiz-form").count() == 1, page.content()


def slug_of(path: str) -> str:
    return Path(path.rstrip("/")).name


def complete_course(page, slug: str, locale: str) -> str:
    """Enrol the logged-in learner, pass every module's quiz; returns the certificate's
    verification path."""
    page.goto(f"/courses/{slug}/")
    page.locator("form[action$='/enrol'] button").click()
    page.wait_for_load_state()
    for module in course_doc(slug).modules:
        page.goto(f"/courses/{slug}/{module.slug}/")
        path = quiz_link(page)
        start_quiz(page, path)
        answer_quiz(page, quiz_questions(slug, slug_of(path), locale), right=True)
    page.goto("/me/")
    return page.locator("a[href$='.pdf']").first.get_attribute("href").removesuffix(".pdf")
