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
course was made after that certificate's completion. Training done elsewhere (the records
plugin, read by reflection) counts like a certificate: a valid outside record that runs out
later than the certificate holds the person (no re-assignment yet), and an outside record
whose ``valid_until`` is within the days (and no certificate lasts as long) re-assigns the
person, due on that date, unless an assignment was made since it was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select

from lms import clock, events
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import User
from lms.plugins.compliance import notices, records


@dataclass(frozen=True)
class Due:
    """A person due for recertification: their certificate ``certificate_id`` (or, None,
    their outside training ``external_id``) of ``course_id`` is valid until ``expires_on``
    (Europe/Stockholm date)."""

    user_id: int
    course_id: int
    certificate_id: int | None
    expires_on: date
    external_id: int | None = None


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
    if a is None:
        return []
    found: list[Due] = []
    for course_id, days in recertified_courses():
        if cert is not None:
            found.extend(_due_certificates(cert, a, course_id, days, today))
        found.extend(_due_externals(cert, a, course_id, days, today))
    return found


def _due_certificates(cert, a, course_id: int, days: int, today: date) -> list[Due]:
    users, ext = User.__table__, records.external()
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
    if ext is not None:  # outside training that runs out later holds the person
        query = query.where(
            ~exists().where(
                ext.c.user_id == cert.c.user_id,
                ext.c.course_id == course_id,
                or_(ext.c.valid_until.is_(None), ext.c.valid_until > cert.c.expires_on),
            )
        )
    return [Due(u, course_id, c, e) for u, c, e in db.session.execute(query)]


def _due_externals(cert, a, course_id: int, days: int, today: date) -> list[Due]:
    """People whose outside training of the course runs out within ``days`` and holds them
    longest (no other outside record or certificate lasts as long)."""
    ext = records.external()
    if ext is None:
        return []
    users, other = User.__table__, ext.alias("other")
    query = (
        select(ext.c.user_id, ext.c.id, ext.c.valid_until)
        .join(users, users.c.id == ext.c.user_id)
        .where(
            ext.c.course_id == course_id,
            users.c.active.is_(True),
            ext.c.valid_until >= today,
            ext.c.valid_until <= today + timedelta(days=days),
            ~exists().where(
                other.c.user_id == ext.c.user_id,
                other.c.course_id == course_id,
                or_(
                    other.c.valid_until.is_(None),
                    other.c.valid_until > ext.c.valid_until,
                    and_(other.c.valid_until == ext.c.valid_until, other.c.id > ext.c.id),
                ),
            ),
            ~exists().where(
                a.c.user_id == ext.c.user_id,
                a.c.course_id == course_id,
                a.c.withdrawn_at.is_(None),
                a.c.created_at >= ext.c.recorded_at,
            ),
        )
        .order_by(ext.c.user_id)
    )
    if cert is not None:  # a certificate lasting as long is recertified on its own
        query = query.where(
            ~exists().where(
                cert.c.user_id == ext.c.user_id,
                cert.c.course_id == course_id,
                cert.c.revoked_at.is_(None),
                or_(cert.c.expires_on.is_(None), cert.c.expires_on >= ext.c.valid_until),
            )
        )
    return [Due(u, course_id, None, until, x) for u, x, until in db.session.execute(query)]


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
