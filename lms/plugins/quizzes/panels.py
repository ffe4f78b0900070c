"""Snippets for the catalogue's pages: a module's quiz and a course's final quizzes, with
the learner's status. Sent by catalog through signals; we never import it.

What a panel shows of a quiz (title, pass mark, attempts) belongs to a stored version and
never changes, so it is read once per app and language and kept in a small bounded map;
only the learner's status is asked of the database on each page. On a module page the
enrolment plugin, when it is on, already offers "Take the quiz" with the module's done
state: there this panel gives the quiz's terms without repeating the link.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from lms import events
from lms.content.models import Quiz
from lms.extensions import db
from lms.plugins import enabled_plugins
from lms.plugins.quizzes import services, standing
from lms.plugins.quizzes.display import percent

STORE = "quizzes.panel_facts"
MAX_ENTRIES = 2048
"""(module or version, language) entries kept per app process; oldest used goes first."""


@dataclass(frozen=True)
class QuizFacts:
    id: int
    slug: str
    title: str
    questions: int
    pass_mark: str
    max_attempts: int | None


class FactsCache:
    """Thread-safe LRU of immutable quiz facts, so a worker's threads can share it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, load):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = load()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


def init_app(app) -> None:
    app.extensions[STORE] = FactsCache(MAX_ENTRIES)


def _facts(key: tuple, query, lang: str) -> tuple[QuizFacts, ...]:
    def load() -> tuple[QuizFacts, ...]:
        return tuple(
            QuizFacts(
                quiz.id,
                quiz.slug,
                quiz.title_in(lang),
                quiz.questions_per_attempt,
                percent(quiz.pass_mark),
                quiz.max_attempts,
            )
            for quiz in db.session.scalars(query)
        )

    return current_app.extensions[STORE].get((*key, lang), load)


def _panel(
    quizzes: tuple[QuizFacts, ...],
    user_id: int | None,
    course_slug: str,
    *,
    link: bool = True,
    status: dict | None = None,
) -> Markup | None:
    if not quizzes:
        return None
    if status is None:
        status = standing.learner_status(user_id, [quiz.id for quiz in quizzes])
    items = [
        {
            "title": quiz.title,
            "url": url_for("quizzes.take", course=course_slug, quiz=quiz.slug) if link else None,
            "questions": quiz.questions,
            "pass_mark": quiz.pass_mark,
            "max_attempts": quiz.max_attempts,
            "status": status.get(quiz.id),
        }
        for quiz in quizzes
    ]
    login_url = url_for("auth.login", next=request.path)
    return Markup(
        render_template(
            "quizzes/_panel.html", items=items, signed_in=user_id is not None, login_url=login_url
        )
    )


def _module_quizzes(payload: events.ModulePage) -> tuple[QuizFacts, ...]:
    query = select(Quiz).where(Quiz.module_id == payload.module_id).order_by(Quiz.number)
    return _facts(("module", payload.module_id), query, services.locale())


def module_page_query(sender, payload: events.ModulePage) -> list:
    """Receiver of ``module_page_query``: the learner's attempts at the module's quizzes
    (one aggregate row, labels ``quizzes_attempts_<id>`` and ``quizzes_passed_<id>``)."""
    quizzes = _module_quizzes(payload)
    if payload.user_id is None or not quizzes:
        return []
    return [standing.status_row(payload.user_id, [quiz.id for quiz in quizzes])]


def module_panel(sender, payload: events.ModulePage) -> Markup | None:
    """Receiver: the quiz that closes this module, if any."""
    quizzes = _module_quizzes(payload)
    link = "enrolment" not in enabled_plugins(current_app)
    status = standing.status_from_facts(payload.facts, [quiz.id for quiz in quizzes])
    return _panel(quizzes, payload.user_id, payload.course_slug, link=link, status=status)


def course_panel(sender, payload: events.CoursePage) -> Markup | None:
    """Receiver: the course quizzes (not tied to a module) of the version shown."""
    query = (
        select(Quiz)
        .where(Quiz.version_id == payload.version_id, Quiz.module_id.is_(None))
        .order_by(Quiz.number)
    )
    quizzes = _facts(("version", payload.version_id), query, services.locale())
    return _panel(quizzes, payload.user_id, payload.course_slug)
