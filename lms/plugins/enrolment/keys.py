"""Enrolment keys: the course file's key, or one an admin or owning educator set here.

A key set in the app is stored hashed (argon2, so checking it takes constant time) and
replaces the course file's key, so a key that leaked can be changed without a new course
version. Each change is a new row; the newest row per course is in force. Only a course
whose file says ``enrolment: key`` takes a key: the course file decides who may enrol.

Keys are compared as one line of NFC text (:func:`lms.text.one_line`), so a key typed on a
keyboard that writes ``Å`` as ``A`` + ring matches the same key typed elsewhere.
"""

from __future__ import annotations

import hmac

from sqlalchemy import select

from lms import audit
from lms.auth.passwords import hash_password, verify_password
from lms.content.models import Course
from lms.extensions import db
from lms.plugins.enrolment.models import CourseKey
from lms.text import one_line


def app_key_hash(course_id: int) -> str | None:
    """The hash of the key an admin set in the app, if any is in force."""
    newest = db.session.scalar(
        select(CourseKey)
        .where(CourseKey.course_id == course_id)
        .order_by(CourseKey.id.desc())
        .limit(1)
    )
    return newest.key_hash if newest is not None else None


def key_matches(course: Course, given: str) -> bool:
    """An app-set key replaces the front-matter key (so a leaked key can be changed)."""
    given = one_line(given)
    stored_hash = app_key_hash(course.id)
    if stored_hash:
        return bool(given) and verify_password(stored_hash, given)
    expected = one_line(course.published_version.enrolment_key)
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def takes_key(version) -> bool:
    """Whether learners enrol in ``version`` with a key (its course.md says so)."""
    return version is not None and version.enrolment == "key"


def set_app_key(course: Course, key: str | None, *, actor) -> None:
    """Store a new key (hashed), or clear it with ``None``: a new row, never an update."""
    db.session.add(
        CourseKey(
            course_id=course.id,
            key_hash=hash_password(one_line(key)) if key else None,
            set_by_id=actor.id,
        )
    )
    audit.record("enrolment.key_changed", actor=actor, course=course.slug, cleared=not bool(key))
    db.session.commit()
