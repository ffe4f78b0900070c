"""Quizzes: attempts, grading, feedback, extra attempts, drafts' previews and question
statistics.

Talks to the rest only through ``lms.events``: asks ``ensure_enrolment`` before a learner
starts a quiz, sends ``quiz_passed``, answers ``completion_blockers`` for course quizzes and
``quiz_activity`` (what the learner attempted, for the course page's main action), and
adds quiz panels to the catalogue's course and module pages.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms import events
from lms.models import Role
from lms.plugins import NavEntry, Plugin
from lms.plugins.quizzes import (  # noqa: F401  (views: routes; models: tables for Alembic)
    educator_views,
    grant_views,
    models,
    panels,
    preview,
    views,
)
from lms.plugins.quizzes.blueprint import bp
from lms.plugins.quizzes.panels import course_panel, module_page_query, module_panel
from lms.plugins.quizzes.standing import completion_blockers, on_personal_data, quiz_activity


def nav(user) -> list[NavEntry]:
    entries = []
    if user is not None and user.has_role(Role.educator, Role.site_admin):
        entries.append(NavEntry(_l("Quiz statistics"), "quizzes.educator_index", order=60))
    if user is not None and user.has_role(*grant_views.GRANTERS):
        entries.append(NavEntry(_l("Extra attempts"), "quizzes.waiting", order=62))
    return entries


def init_app(app: Flask) -> None:
    panels.init_app(app)
    events.connect(app, events.completion_blockers, completion_blockers)
    events.connect(app, events.module_page_panels, module_panel)
    events.connect(app, events.module_page_query, module_page_query)
    events.connect(app, events.course_page_panels, course_panel)
    events.connect(app, events.personal_data, on_personal_data)
    events.connect(app, events.quiz_activity, quiz_activity)


plugin = Plugin(
    name="quizzes",
    blueprint=bp,
    nav=nav,
    init_app=init_app,
    description="Quiz attempts, grading, feedback, extra attempts and question statistics.",
)
