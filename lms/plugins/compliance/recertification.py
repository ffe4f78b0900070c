"""Recertification: before a certificate runs out, its holder is assigned the course again.

A course whose certificates expire (``certificate_valid_months``) is recertified
``recertify_days`` (front matter) or ``LMS_RECERTIFY_DAYS`` (default 60) days before the
expiry: the holder is re-assigned with the expiry date as due date, through
``assignment_requested`` with ``recertify`` set (the enrolment plugin starts a new cycle, so
the person takes the course again; passing issues a new certificate). Every certificate and
every assignment stays.

The people due are found with one set-based query per recertified course (a handful of
courses, never a loop over people): the newest not revoked certificate of an active person
expires between today and today + the course's days, and no not withdrawn assignment of the
course was made after that certificate's completion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select

from lms import clock, events
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import User
from lms.plugins.compliance import notices, records


@dataclass(frozen=True)
class Due:
    """A person due for recertification: their certificate ``certificate_id`` of
    ``course_id`` is valid until ``expires_on`` (Europe/Stockholm date)."""

    user_id: int
    course_id: int
    certificate_id: int
    expires_on: date


def recertified_courses() -> list[tuple[int, int]]:
    """(course id, days before expiry) of every published course whose certificates
    expire."""
    default = int(current_app.config.get("LMS_RECERTIFY_DAYS", 60))
    rows = db.session.execute(
        select(Course.id, CourseVersion.recertify_days)
        .join(CourseVersion, CourseVersion.id == Course.published_version_id)
        .where(CourseVersion.certificate_valid_months.is_not(None))
    )
    return [(course_id, days or default) for course_id, days in rows]


def due(today: date) -> list[Due]:
    """Who is due for recertification on ``today`` (Europe/Stockholm)."""
    cert, a = records.certificates(), records.assignments()
    if cert is None or a is None:
        return []
    found: list[Due] = []
    users = User.__table__
    for course_id, days in recertified_courses():
        newest = (
            select(func.max(cert.c.id))
            .where(cert.c.course_id == course_id, cert.c.revoked_at.is_(None))
            .group_by(cert.c.user_id)
        )
        query = (
            select(cert.c.user_id, cert.c.id, cert.c.expires_on)
            .join(users, users.c.id == cert.c.user_id)
            .where(
                cert.c.id.in_(newest),
                users.c.active.is_(True),
                cert.c.expires_on >= today,
                cert.c.expires_on <= today + timedelta(days=days),
                ~exists().where(
                    and_(
                        a.c.user_id == cert.c.user_id,
                        a.c.course_id == course_id,
                        a.c.withdrawn_at.is_(None),
                        a.c.created_at > cert.c.completed_at,
                    )
                ),
            )
            .order_by(cert.c.user_id)
        )
        found.extend(Due(u, course_id, c, e) for u, c, e in db.session.execute(query))
    return found


def recertify(today: date, *, dry_run: bool = False) -> list[tuple[Due, int | None]]:
    """Assign the course again to everyone :func:`due`, due on the expiry date, and queue
    the assigned notice; in the caller's transaction. With ``dry_run`` nothing is written.
    Returns each person due with the new assignment id (None: nothing written)."""
    done = []
    for item in due(today):
        if dry_run:
            done.append((item, None))
            continue
        user = db.session.get(User, item.user_id)
        course = db.session.get(Course, item.course_id)
        with force_locale(notices.locale_of(user)):
            reason = _(
                "Recertification: your certificate is valid until %(until)s",
                until=format_date(item.expires_on, "long"),
            )
        payload = events.AssignmentRequest(
            user_id=item.user_id,
            course_id=item.course_id,
            due_on=item.expires_on,
            requirement_id=None,
            reason=reason,
            at=clock.utcnow(),
            recertify=True,
        )
        created = next((v for v in events.emit(events.assignment_requested, payload) if v), None)
        if created is not None:
            notices.assigned(user, created, course, item.expires_on, reason)
        done.append((item, created))
    return done
