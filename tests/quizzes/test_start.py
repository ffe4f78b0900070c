"""A GET shows the quiz; starting it is a POST (issue 12, §3). Before, opening
``/courses/<course>/quiz/<quiz>/`` enrolled the learner and started an attempt, so a link
from anywhere (a mail, an image on another site) changed their training record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from tests.quizzes.conftest import attempts, quiz_of, start_url, take_url


@pytest.fixture
def config_overrides():
    return {"LMS_PLUGINS": ["catalog", "enrolment", "quizzes"]}


def enrolments() -> int:
    from lms.plugins.enrolment.models import Enrolment

    return db.session.scalar(select(func.count()).select_from(Enrolment))


def test_opening_the_quiz_stores_nothing_and_offers_to_start(client, learner, make_course):
    version = make_course(questions=3, quiz={"max_attempts": 2})
    quiz = quiz_of(version)
    for _ in range(2):
        response = client.get(take_url(version, quiz))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f'action="{start_url(version, quiz)}"' in page
        assert 'name="csrf_token"' in page
        assert "Starting the quiz enrols you in the course." in page
        assert "0 of 2 used" in page
        assert 'name="attempt_id"' not in page
    assert attempts(learner.id) == []
    assert enrolments() == 0


def test_the_old_again_link_starts_nothing(client, learner, make_course):
    version = make_course()
    client.get(take_url(version, quiz_of(version)) + "?again=1")
    assert attempts(learner.id) == []


def test_starting_needs_the_csrf_token(client, learner, make_course):
    version = make_course()
    response = client.post(start_url(version, quiz_of(version)), csrf=False)
    assert response.status_code == 400
    assert attempts(learner.id) == []
    assert enrolments() == 0


def test_starting_enrols_in_an_open_course_and_shows_the_form(client, learner, make_course):
    version = make_course(questions=2)
    quiz = quiz_of(version)
    response = client.post(start_url(version, quiz))
    assert response.status_code == 303
    assert response.headers["Location"] == take_url(version, quiz)
    assert enrolments() == 1
    (attempt,) = attempts(learner.id)
    assert attempt.status == "in_progress"
    page = client.get(take_url(version, quiz)).get_data(as_text=True)
    assert f'name="attempt_id" value="{attempt.id}"' in page
    again = client.post(start_url(version, quiz))  # a second click resumes
    assert again.status_code == 303
    assert len(attempts(learner.id)) == 1


def test_a_key_course_still_needs_enrolling_first(client, learner, make_course):
    version = make_course(course={"enrolment": "key", "enrolment_key": "k-2026"})
    quiz = quiz_of(version)
    assert client.get(take_url(version, quiz)).status_code == 403
    assert client.post(start_url(version, quiz)).status_code == 403
    assert attempts(learner.id) == []
    assert enrolments() == 0
