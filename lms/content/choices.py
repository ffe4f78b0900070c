"""Choices of published courses for the forms of any plugin (a requirement, an assignment,
outside training, an inspection pack): one query, titles in the page's language."""

from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import select
from wtforms import SelectChoice

from lms.content.models import Course, CourseVersion
from lms.extensions import db


def published_course_choices(language: str | None = None) -> list[SelectChoice]:
    """Every course with a published version as ``SelectChoice(course id, title)``, the
    title in ``language`` (default: the request's locale) where the course has a translation
    and its own otherwise, sorted by that title (case-insensitive). One SQL statement,
    whatever the number of courses."""
    language = language or str(get_locale())
    rows = db.session.execute(
        select(Course.id, CourseVersion.title, CourseVersion.translations).join(
            CourseVersion, CourseVersion.id == Course.published_version_id
        )
    )
    choices = [
        SelectChoice(course_id, ((translations or {}).get(language) or {}).get("title") or title)
        for course_id, title, translations in rows
    ]
    return sorted(choices, key=lambda choice: (choice.label.casefold(), choice.value))
