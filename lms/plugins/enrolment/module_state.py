"""The module page's progress panel, in one query for a learner who is enrolled.

The module page is the most visited page, so its panel asks only what it shows: is the
learner enrolled, is this module done, may it be marked done, does a major version wait.
The full :class:`~lms.plugins.enrolment.state.CourseState` (all modules, completions, due
dates) is what the course page and the dashboard need; here it would be wasted work.
Which quiz closes a module never changes once its version is stored, so that answer is kept
in memory per app, keyed by module id.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload

from lms import events
from lms.content.models import Course, CourseVersion, Module, Quiz
from lms.extensions import db
from lms.lru import BoundedCache
from lms.plugins.enrolment import versions
from lms.plugins.enrolment.models import ACTIVE, Enrolment, Progress

STORE = "enrolment.module_quiz"
MAX_MODULES = 2048
"""Modules whose quiz slug is kept per app process; the least recently used goes first."""


def init_app(app) -> None:
    app.extensions[STORE] = BoundedCache(MAX_MODULES)


def quiz_slug(module_id: int) -> str | None:
    """The slug of the quiz that closes this module, or None."""

    def load() -> str | None:
        return db.session.scalar(select(Quiz.slug).where(Quiz.module_id == module_id).limit(1))

    return current_app.extensions[STORE].get(module_id, load)


@dataclass(frozen=True)
class ModuleState:
    enrolment_id: int
    done: bool  # this module (by slug, in the enrolment's version) is done
    own: bool  # the enrolment's version has a module with this slug
    notice: versions.MajorNotice | None


def _query(user_id: int, course_id: int, module_slug: str):
    same_module = (
        Module.version_id == Enrolment.version_id,
        Module.slug == module_slug,
    )
    own = exists().where(*same_module)
    done = exists().where(
        Progress.enrolment_id == Enrolment.id,
        Progress.cycle == Enrolment.cycle,
        Progress.module_id == Module.id,
        *same_module,
    )
    return (
        select(Enrolment, own.label("own"), done.label("done"))
        .where(
            Enrolment.user_id == user_id,
            Enrolment.course_id == course_id,
            Enrolment.status == ACTIVE,
        )
        .options(
            joinedload(Enrolment.version),
            joinedload(Enrolment.course).joinedload(Course.published_version),
        )
    )


def module_state(user_id: int, course_id: int, module_slug: str) -> ModuleState | None:
    """The learner's active enrolment with this module's state; None when not enrolled.
    Reads only (a newer minor version was followed when it was published)."""
    row = db.session.execute(_query(user_id, course_id, module_slug)).first()
    if row is None:
        return None
    enrolment, own, done = row
    notice = versions.major_notice(enrolment)
    return ModuleState(enrolment.id, bool(done), bool(own), notice)


def _published_part():
    return (
        select(
            Course.published_version_id.label("enrolment_published_id"),
            CourseVersion.enrolment.label("enrolment_published_mode"),
        )
        .select_from(Course)
        .outerjoin(CourseVersion, CourseVersion.id == Course.published_version_id)
        .where(Course.id == bindparam("enrolment_course_id"))
    )


def _enrolled_part():
    same_module = (
        Module.version_id == Enrolment.version_id,
        Module.slug == bindparam("enrolment_module_slug"),
    )
    own = exists().where(*same_module)
    done = exists().where(
        Progress.enrolment_id == Enrolment.id,
        Progress.cycle == Enrolment.cycle,
        Progress.module_id == Module.id,
        *same_module,
    )
    return select(
        Enrolment.id.label("enrolment_id"),
        Enrolment.version_id.label("enrolment_version_id"),
        own.label("enrolment_own"),
        done.label("enrolment_done"),
    ).where(
        Enrolment.user_id == bindparam("enrolment_user_id"),
        Enrolment.course_id == bindparam("enrolment_course_id"),
        Enrolment.status == ACTIVE,
    )


def page_query(user_id: int | None, course_id: int, module_slug: str) -> list[events.PagePart]:
    """Receiver side of ``module_page_query``: the course's published version (always a
    row) and, for a signed-in learner, the active enrolment with this module's state (no
    row when not enrolled). Labels ``enrolment_*``; statements built once per process."""
    published = events.PagePart(
        "enrolment.published", _published_part, {"enrolment_course_id": course_id}
    )
    if user_id is None:
        return [published]
    enrolled = events.PagePart(
        "enrolment.enrolled",
        _enrolled_part,
        {
            "enrolment_user_id": user_id,
            "enrolment_course_id": course_id,
            "enrolment_module_slug": module_slug,
        },
    )
    return [published, enrolled]


@dataclass(frozen=True)
class Published:
    """What the panel shows of the published version to someone not enrolled."""

    id: int
    enrolment: str


def from_facts(facts) -> tuple[ModuleState | None, Published | None] | None:
    """(state, published version) from ``module_page_query``'s facts; None when the facts
    are not there (the caller reads them itself). The enrolment row is loaded only when a
    newer version than the learner's is published (to tell what changed)."""
    if "enrolment_published_id" not in facts:
        return None
    published = (
        Published(facts["enrolment_published_id"], facts["enrolment_published_mode"])
        if facts["enrolment_published_id"] is not None
        else None
    )
    if facts.get("enrolment_id") is None:
        return None, published
    notice = None
    if published is not None and published.id != facts["enrolment_version_id"]:
        notice = versions.major_notice(db.session.get(Enrolment, facts["enrolment_id"]))
    state = ModuleState(
        facts["enrolment_id"], bool(facts["enrolment_done"]), bool(facts["enrolment_own"]), notice
    )
    return state, published
