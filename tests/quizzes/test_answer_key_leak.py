"""Before submission no page or response carries the answer key or the explanations.

Runs over every question of every real course in ``courses/``, in English and Swedish,
on the form, on the form re-shown after a CSRF failure and after refused answers.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from lms.content.models import Quiz
from lms.content.sync import sync_courses
from lms.extensions import db
from tests.quizzes.conftest import hidden

ROOT = Path(__file__).resolve().parents[2] / "courses"
KEY_MARKERS = re.compile(
    r"""data-correct|data-right|class="[^"]*\b(correct|right|wrong)\b|"correct"\s*:|"""
    r"""\bcorrect=|Correct answer|Rätt svar|Explanation|Förklaring|✓""",
    re.IGNORECASE,
)


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()


def _assert_no_key(page: str, quiz: Quiz) -> None:
    assert not KEY_MARKERS.search(page), KEY_MARKERS.search(page).group(0)
    text = " ".join(_plain(page))
    for question in quiz.questions:
        explanations = [question.explanation_html] + [
            t["explanation_html"] for t in question.translations.values()
        ]
        for explanation in explanations:
            words = " ".join(_plain(explanation))
            assert words, f"question {question.number} of {quiz.slug} has no explanation"
            assert words not in text
            assert words[:50] not in text


@pytest.fixture
def real_quizzes(app):
    results = sync_courses(ROOT)
    assert {r.outcome for r in results} == {"new"}, [str(r) for r in results]
    # Learners see the published versions; a draft (the demo's) is for educators only.
    quizzes = [
        quiz
        for quiz in db.session.scalars(db.select(Quiz).order_by(Quiz.id))
        if quiz.version.course.published_version_id == quiz.version_id
    ]
    assert len(quizzes) >= 18
    return quizzes


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_no_form_reveals_the_key(client, make_user, auth, real_quizzes, lang):
    auth.login(make_user(locale=lang))
    for quiz in real_quizzes:
        url = f"/courses/{quiz.version.course.slug}/quiz/{quiz.slug}/"
        start = client.get(url)  # the start page
        assert start.status_code == 200, url
        _assert_no_key(start.get_data(as_text=True), quiz)
        assert client.post(url + "start").status_code == 303, url
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        _assert_no_key(page, quiz)
        for question in quiz.questions:
            assert f'name="q{question.id}"' in page  # every question really was rendered
        fields = hidden(page)
        # Re-shown after a stale token, and after a refused (tampered) answer.
        stale = client.post(url, data={**fields, "csrf_token": "stale"}, csrf=False)
        assert stale.status_code == 400
        _assert_no_key(stale.get_data(as_text=True), quiz)
        tampered = client.post(url, data={**fields, "q0": "1"})
        assert tampered.status_code == 422
        _assert_no_key(tampered.get_data(as_text=True), quiz)


def test_the_check_itself_finds_a_key(client, make_user, auth, real_quizzes):
    """The detector must be able to fail: the result page of a passed attempt shows the
    key. A failed one (attempts left) does not, until the quiz's show_answers allows."""
    auth.login(make_user())
    quiz = real_quizzes[0]
    url = f"/courses/{quiz.version.course.slug}/quiz/{quiz.slug}/"
    client.post(url + "start")
    fields = hidden(client.get(url).get_data(as_text=True))
    failed = client.post(url, data=fields)  # nothing ticked
    _assert_no_key(client.get(failed.headers["Location"]).get_data(as_text=True), quiz)
    client.post(url + "start")
    fields = hidden(client.get(url).get_data(as_text=True))
    right = {
        f"q{q.id}": [str(i) for i, c in enumerate(q.choices) if c["correct"]]
        for q in quiz.questions
    }
    response = client.post(url, data={**fields, **right})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passed" in page
    with pytest.raises(AssertionError):
        _assert_no_key(page, quiz)
