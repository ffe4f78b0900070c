"""What enrolment says where a learner finishes, browses and signs in (connected in
``init_app``): the course is complete and what comes next on the last quiz's result page,
the person's state on the catalogue's cards, and "My courses" as the landing page while
an assigned course is not complete.

Module-level receivers (blinker keeps weak references) that read in a fixed number of
queries whatever the number of courses.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import get_locale
from markupsafe import Markup

from lms import clock, events
from lms.plugins.enrolment import badges, state

WHAT_NEXT = 3
"""Courses suggested after finishing one: the ones due first, then the ones in progress."""


def _open_work(user_id: int, except_course: int | None = None) -> list[state.CourseState]:
    """The person's active, unfinished enrolments, the ones due first (by due date), then
    the others by enrolment date."""
    enrolments = [
        e for e in state.load_enrolments(user_id) if e.is_active and e.course_id != except_course
    ]
    working = [s for s in state.states_for(enrolments) if s.completion is None]
    far = clock.local_today().replace(year=9999)
    return sorted(working, key=lambda s: (s.due_on or far, not s.assigned))


def on_quiz_result(sender, payload: events.QuizResultPage, **_extra) -> Markup | None:
    """When this passed attempt leaves the course complete: say so, and what is next."""
    if not payload.passed:
        return None
    found = state.state_of(payload.user_id, payload.course_id)
    if found is None or found.completion is None:
        return None
    if found.completion.version_id != payload.version_id:
        return None
    return Markup(
        render_template(
            "enrolment/finish_panel.html",
            st=found,
            lang=str(get_locale()),
            next_up=_open_work(payload.user_id, payload.course_id)[:WHAT_NEXT],
        )
    )


def on_catalogue_states(sender, payload: events.CatalogueStates, **_extra) -> dict:
    """course id -> [CourseBadge]: completed (with its date), else assigned (with the due
    date, if any) and/or enrolled. Courses the person left have no badge. One statement
    (``badges.card_facts``)."""
    found: dict[int, list[events.CourseBadge]] = {}
    for facts in badges.card_facts(payload.user_id, sorted(set(payload.course_ids))):
        if facts.completed_at is not None:
            on = clock.local_date(facts.completed_at)
            found[facts.course_id] = [events.CourseBadge("completed", on)]
            continue
        card = [events.CourseBadge("enrolled")]
        if facts.assigned:
            card.insert(0, events.CourseBadge("assigned", facts.due_on))
        found[facts.course_id] = card
    return found


def on_landing(sender, payload: events.Landing, **_extra) -> str | None:
    """``/me/`` while an assigned course is not complete, so the person sees what is due."""
    if any(s.assigned for s in _open_work(payload.user_id)):
        return url_for("enrolment.dashboard")
    return None
