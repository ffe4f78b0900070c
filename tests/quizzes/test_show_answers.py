"""When the right answers are shown (issue 12, §3): a failed attempt used to show the key of
every question, and the next attempt asked the same questions, so a blank attempt and a
copied one passed. ``show_answers`` decides; until then the feedback says which questions
were wrong and shows only the tips (``> [!TIP]``). Checked on the rendered page: the key
must not be in the HTML at all, not merely hidden."""

from __future__ import annotations

import re

import pytest

from lms.extensions import db
from tests.quizzes.conftest import (
    open_form,
    quiz_of,
    right_answers,
    submit,
    take_url,
    wrong_answers,
)

TIP = "> [!TIP]\n> Think about what the vector does.\n\n"


def _feedback(client, version, quiz, answers) -> str:
    _page, fields = open_form(client, version, quiz)
    response = submit(client, version, quiz, fields, answers)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _key_shown(page: str, quiz) -> bool:
    """Whether the page tells which choices are right: any badge or mark of the key."""
    return "Correct answer" in page or "Explanation 1." in page or "Explanation 2." in page


def _with_tip(courses_dir, version):
    """Give question 1 of the course's quiz a tip before its explanation; sync again."""
    from lms.content.sync import sync_courses

    folder = courses_dir / version.course.slug
    quiz_file = next(folder.glob("*.quiz.md"))
    text = quiz_file.read_text()
    quiz_file.write_text(text.replace("> Explanation 1.", TIP + "> Explanation 1.", 1))
    course = folder / "course.md"
    course.write_text(course.read_text().replace("version: 1.0.0", "version: 1.0.1"))
    assert [r.outcome for r in sync_courses(folder)] == ["new"]
    course = version.course
    db.session.refresh(course)
    return course.published_version


def test_a_failed_attempt_shows_which_questions_were_wrong_not_the_key(
    client, learner, make_course, courses_dir
):
    version = _with_tip(courses_dir, make_course(questions=2, quiz={"max_attempts": 3}))
    quiz = quiz_of(version)
    page = _feedback(client, version, quiz, wrong_answers(quiz))
    assert "Not passed" in page
    assert (
        len(re.findall(r'class="quiz-verdict">\s*<span aria-hidden="true">✗</span> Wrong', page))
        == 2
    )
    assert not _key_shown(page, quiz)
    assert "Think about what the vector does." in page  # the tip is safe to show
    assert "passed the quiz or used every attempt" in page
    assert f'action="{take_url(version, quiz)}start"' in page  # "Try again" is a POST
    # Nothing in the HTML marks the right choices: no ✓ next to a choice.
    choices = re.findall(r'<ul class="quiz-choices quiz-feedback">(.*?)</ul>', page, re.S)
    assert choices
    assert all("✓" not in block for block in choices)


def test_a_blank_attempt_gives_nothing_to_copy(client, learner, make_course):
    version = make_course(questions=2, quiz={"max_attempts": 3})
    quiz = quiz_of(version)
    page = _feedback(client, version, quiz, {})
    assert not _key_shown(page, quiz)
    for question in quiz.questions:
        right = [c["html"] for c in question.choices if c["correct"]]
        for html in right:  # the right choice is listed, but nothing says it is right
            assert page.count(html) == 1


def test_passing_shows_the_answers_also_on_the_earlier_failed_attempt(client, learner, make_course):
    version = make_course(questions=2, quiz={"max_attempts": 3})
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    failed = submit(client, version, quiz, fields, wrong_answers(quiz)).headers["Location"]
    assert not _key_shown(client.get(failed).get_data(as_text=True), quiz)
    passed = _feedback(client, version, quiz, right_answers(quiz))
    assert "Passed" in passed
    assert _key_shown(passed, quiz)
    assert _key_shown(client.get(failed).get_data(as_text=True), quiz)


def test_the_last_attempt_shows_the_answers(client, learner, make_course):
    version = make_course(questions=2, quiz={"max_attempts": 2})
    quiz = quiz_of(version)
    first = _feedback(client, version, quiz, wrong_answers(quiz))
    assert not _key_shown(first, quiz)
    last = _feedback(client, version, quiz, wrong_answers(quiz))
    assert _key_shown(last, quiz)
    assert "Explanation 1." in last


@pytest.mark.parametrize(
    ("policy", "after_fail", "after_pass"),
    [("always", True, True), ("never", False, False), ("after_last_attempt", False, False)],
)
def test_each_policy(client, learner, make_course, policy, after_fail, after_pass):
    version = make_course(questions=2, quiz={"max_attempts": 3, "show_answers": policy})
    quiz = quiz_of(version)
    assert quiz.show_answers == policy
    assert _key_shown(_feedback(client, version, quiz, wrong_answers(quiz)), quiz) is after_fail
    assert _key_shown(_feedback(client, version, quiz, right_answers(quiz)), quiz) is after_pass


def test_after_last_attempt_shows_them_once_none_is_left_even_after_a_pass(
    client, learner, make_course
):
    version = make_course(
        questions=2, quiz={"max_attempts": 2, "show_answers": "after_last_attempt"}
    )
    quiz = quiz_of(version)
    assert not _key_shown(_feedback(client, version, quiz, right_answers(quiz)), quiz)
    assert _key_shown(_feedback(client, version, quiz, wrong_answers(quiz)), quiz)
