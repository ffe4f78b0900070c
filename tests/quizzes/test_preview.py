"""Educators and admins preview a draft course's quiz as learners will, and nothing is stored
(issue 12, §3: they got 403, because a draft cannot be enrolled in)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Role
from lms.plugins.quizzes.models import Answer, Attempt, Pick
from tests.quizzes.conftest import quiz_of, right_answers, take_url, wrong_answers

FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def config_overrides():
    return {"LMS_PLUGINS": ["catalog", "enrolment", "quizzes"]}


def stored() -> int:
    from lms.plugins.enrolment.models import Enrolment

    return sum(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Attempt, Answer, Pick, Enrolment)
    )


@pytest.mark.parametrize("role", [Role.educator, Role.centre_admin, Role.site_admin])
def test_staff_take_a_draft_quiz_and_nothing_is_stored(client, auth, make_user, make_course, role):
    auth.login(make_user(role=role))
    version = make_course(status="draft", questions=3, quiz={"show_answers": "always"})
    quiz = quiz_of(version)
    response = client.get(take_url(version, quiz))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview" in page
    assert "Question 1 of 3:" in page
    assert "Explanation 1." not in page  # the form never carries the key
    fields = dict(FIELD.findall(page))
    action = re.search(r'<form method="post" action="([^"]+)" class="quiz-form">', page).group(1)
    result = client.post(action, data={**fields, **right_answers(quiz)})
    assert result.status_code == 200
    text = result.get_data(as_text=True)
    assert "Passed" in text
    assert "Nothing was stored." in text
    assert "Explanation 1." in text  # show_answers: always
    failed = client.post(action, data={**fields, **wrong_answers(quiz)}).get_data(as_text=True)
    assert "Not passed" in failed
    assert stored() == 0


def test_a_learner_cannot_see_a_draft_quiz(client, learner, make_course):
    version = make_course(status="draft")
    assert client.get(take_url(version, quiz_of(version))).status_code == 404
    assert stored() == 0


def test_a_learner_cannot_post_a_preview(client, learner, make_course):
    version = make_course(status="draft")
    quiz = quiz_of(version)
    url = take_url(version, quiz) + "preview"
    assert client.post(url, data={"version_id": str(version.id)}).status_code == 403


def test_a_newer_draft_of_a_published_course_is_previewed_on_request(
    client, auth, make_user, make_course
):
    make_course(version="1.0.0", questions=2)
    draft = make_course(version="1.1.0", status="draft", questions=3)
    auth.login(make_user(role=Role.educator))
    quiz = quiz_of(draft)
    published = client.get(take_url(draft, quiz)).get_data(as_text=True)
    assert "Preview" not in published  # the published quiz, taken for real
    page = client.get(take_url(draft, quiz) + "?preview=draft").get_data(as_text=True)
    assert "Preview" in page
    assert "Question 3 of 3:" in page
    assert stored() == 0
