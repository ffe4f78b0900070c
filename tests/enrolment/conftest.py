"""Fixtures for the enrolment tests: courses in each enrolment mode, signal recorders."""

from __future__ import annotations

import pytest
from flask_login import login_user
from sqlalchemy import select

from lms import events
from lms.content.models import Module, Quiz
from lms.extensions import db


@pytest.fixture
def config_overrides() -> dict:
    # The catalogue renders the panels we return; quizzes and certificates stay out so these
    # tests exercise enrolment alone (quiz_passed is sent by the tests themselves).
    return {"LMS_PLUGINS": ["catalog", "enrolment"]}


@pytest.fixture
def open_course(make_course):
    """Three modules; module 2 closes with a quiz."""
    return make_course("open-course", modules=3, quiz_modules=(2,))


@pytest.fixture
def key_course(make_course):
    return make_course(
        "key-course",
        modules=1,
        quiz_modules=(),
        course={"enrolment": "key", "enrolment_key": "cells-2026"},
    )


@pytest.fixture
def assigned_course(make_course):
    return make_course(
        "assigned-course", modules=1, quiz_modules=(), course={"enrolment": "assigned"}
    )


class Recorder:
    """Collects the payloads of a signal for this app (kept alive by the fixture)."""

    def __init__(self):
        self.payloads = []

    def __call__(self, sender, payload, **_extra):
        self.payloads.append(payload)


@pytest.fixture
def completed_events(app):
    recorder = Recorder()
    events.connect(app, events.course_completed, recorder)
    yield recorder.payloads
    events.course_completed.disconnect(recorder, sender=app)


@pytest.fixture
def learner(make_user):
    return make_user(email="lena@example.com", name="Lena Ek")


def module(version, number: int) -> Module:
    return db.session.scalar(
        select(Module).where(Module.version_id == version.id, Module.number == number)
    )


def quiz_of(module_row) -> Quiz:
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module_row.id))


def pass_quiz(user, version, module_row, score: float = 90.0, attempt_id: int = 1) -> None:
    quiz = (
        quiz_of(module_row)
        if module_row is not None
        else db.session.scalar(
            select(Quiz).where(Quiz.version_id == version.id, Quiz.module_id.is_(None))
        )
    )
    events.emit(
        events.quiz_passed,
        events.QuizPassed(
            user_id=user.id,
            course_id=version.course_id,
            version_id=version.id,
            quiz_id=quiz.id,
            module_id=module_row.id if module_row is not None else None,
            attempt_id=attempt_id,
            score_percent=score,
            at=version.synced_at,
        ),
    )


def render_panel(app, user, signal, payload) -> str:
    """A panel as the catalogue would get it, rendered in a request for ``user``."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        if user is not None:
            login_user(user)
        return "".join(str(p) for p in events.panels(signal, payload))
