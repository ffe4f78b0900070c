"""Helpers for the quiz tests: a course with quizzes, the form's hidden fields, answers."""

from __future__ import annotations

import re

import pytest

from lms.extensions import db

HIDDEN_RE = re.compile(r'name="(attempt_id|lock_version)" value="(\d+)"')


@pytest.fixture
def config_overrides() -> dict:
    # Quizzes alone: a test connects its own enrolment receiver when it needs one (no
    # receiver means "enrolment switched off: allowed"); the other plugins test themselves.
    return {"LMS_PLUGINS": ["quizzes"]}


def hidden(page: str) -> dict:
    return dict(HIDDEN_RE.findall(page))


def quiz_of(version, slug: str | None = None):
    quizzes = version.quizzes
    return next(q for q in quizzes if slug is None or q.slug == slug)


def right_answers(quiz) -> dict:
    """Form data answering every question of the quiz right (original indices)."""
    data = {}
    for question in quiz.questions:
        data[f"q{question.id}"] = [str(i) for i, c in enumerate(question.choices) if c["correct"]]
    return data


def wrong_answers(quiz) -> dict:
    data = {}
    for question in quiz.questions:
        data[f"q{question.id}"] = [
            str(next(i for i, c in enumerate(question.choices) if not c["correct"]))
        ]
    return data


def attempts(user_id=None):
    from lms.plugins.quizzes.models import Attempt

    query = db.select(Attempt).order_by(Attempt.id)
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    return db.session.scalars(query).all()


@pytest.fixture
def learner(make_user, auth):
    user = make_user()
    auth.login(user)
    return user


def take_url(version, quiz) -> str:
    return f"/courses/{version.course.slug}/quiz/{quiz.slug}/"


def start_url(version, quiz) -> str:
    return take_url(version, quiz) + "start"


def open_form(client, version, quiz) -> tuple[str, dict]:
    """Start (a POST, as the start page's button) and read the form: (page, hidden fields)."""
    started = client.post(start_url(version, quiz))
    assert started.status_code == 303, started.status_code
    response = client.get(take_url(version, quiz))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, hidden(page)


def submit(client, version, quiz, fields, answers, **kwargs):
    return client.post(take_url(version, quiz), data={**fields, **answers}, **kwargs)


def blank_answers(quiz) -> dict:
    return {}
