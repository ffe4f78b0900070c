"""The reminder messages, in the person's own language, queued through the outbox.

:func:`queue` writes a :class:`~.models.Reminder` (unique on person, subject, kind and
threshold date) and the outbox message in the caller's transaction; a reminder already
stored, by this run or another running at the same moment, makes it add nothing. Links come
from ``LMS_BASE_URL`` (:func:`lms.urls.absolute_url`).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from lms import clock, mail
from lms.extensions import db
from lms.models import User
from lms.plugins.compliance.models import Reminder
from lms.urls import absolute_url


def locale_of(user: User) -> str:
    return user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "sv")


def key(user_id: int, subject: str, kind: str, threshold_on: date) -> str:
    """The reminder's unique key, also the outbox message's key."""
    return f"compliance:{user_id}:{subject}:{kind}:{threshold_on.isoformat()}"


def queue(
    user: User,
    *,
    subject: str,
    kind: str,
    threshold_on: date,
    days: int | None,
    mail_subject: str,
    body: str,
    centre_id: int | None = None,
) -> bool:
    """Store the reminder and queue its mail in the caller's transaction; False (nothing
    added) when this reminder exists already."""
    reminder = Reminder(
        user_id=user.id,
        subject=subject,
        kind=kind,
        threshold_on=threshold_on,
        days=days,
        centre_id=centre_id,
        created_at=clock.utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError:
        return False
    mail.enqueue(
        user.email,
        mail_subject,
        body,
        locale=locale_of(user),
        key=key(user.id, subject, kind, threshold_on),
    )
    return True


def course_title(course, lang: str) -> str:
    version = course.published_version or course.latest_version
    return version.text(lang)["title"] if version is not None else course.slug


def _course_link(slug: str) -> str:
    return absolute_url("catalog.course", course=slug)


def assigned(user: User, assignment_id: int, course, due_on: date | None, reason: str) -> bool:
    """The "you were assigned" message for a new assignment."""
    today = clock.local_today()
    lang = locale_of(user)
    with force_locale(lang):
        title = course_title(course, lang)
        due = format_date(due_on, "long") if due_on else _("no due date")
        body = _(
            "Hello %(name)s,\n\nYou have been assigned the course “%(title)s”.\nWhy: "
            "%(reason)s\nComplete it by: %(due)s\n\nOpen the course: %(link)s\n",
            name=user.name,
            title=title,
            reason=reason,
            due=due,
            link=_course_link(course.slug),
        )
        subject = _("Training assigned: %(title)s", title=title)
    days = (due_on - today).days if due_on else None
    return queue(
        user,
        subject=f"assignment:{assignment_id}",
        kind="assigned",
        threshold_on=today,
        days=days,
        mail_subject=subject,
        body=body,
    )


def due(user: User, assignment_id: int, course, due_on: date, days: int) -> bool:
    """The reminder ``days`` (a configured threshold) before the due date."""
    lang = locale_of(user)
    with force_locale(lang):
        title = course_title(course, lang)
        body = _(
            "Hello %(name)s,\n\nThe course “%(title)s” is due on %(due)s.\n\nOpen the course: "
            "%(link)s\n",
            name=user.name,
            title=title,
            due=format_date(due_on, "long"),
            link=_course_link(course.slug),
        )
        subject = _("Due %(due)s: %(title)s", due=format_date(due_on, "long"), title=title)
    return queue(
        user,
        subject=f"assignment:{assignment_id}",
        kind="due",
        threshold_on=date.fromordinal(due_on.toordinal() - days),
        days=days,
        mail_subject=subject,
        body=body,
    )


def overdue(user: User, assignment_id: int, course, due_on: date) -> bool:
    """The message on the day the assignment became overdue."""
    lang = locale_of(user)
    with force_locale(lang):
        title = course_title(course, lang)
        body = _(
            "Hello %(name)s,\n\nThe course “%(title)s” was due on %(due)s and is not "
            "completed yet. Please complete it as soon as you can.\n\nOpen the course: "
            "%(link)s\n",
            name=user.name,
            title=title,
            due=format_date(due_on, "long"),
            link=_course_link(course.slug),
        )
        subject = _("Overdue: %(title)s", title=title)
    return queue(
        user,
        subject=f"assignment:{assignment_id}",
        kind="overdue",
        threshold_on=due_on,
        days=0,
        mail_subject=subject,
        body=body,
    )


def expiring(user: User, certificate_id: int, course, expires_on: date, days: int) -> bool:
    """The reminder ``days`` before a certificate expires."""
    lang = locale_of(user)
    with force_locale(lang):
        title = course_title(course, lang)
        body = _(
            "Hello %(name)s,\n\nYour certificate for “%(title)s” is valid until %(until)s. "
            "Take the course again before then to stay qualified.\n\nOpen the course: "
            "%(link)s\n",
            name=user.name,
            title=title,
            until=format_date(expires_on, "long"),
            link=_course_link(course.slug),
        )
        subject = _(
            "Certificate expiring %(until)s: %(title)s",
            until=format_date(expires_on, "long"),
            title=title,
        )
    return queue(
        user,
        subject=f"certificate:{certificate_id}",
        kind="expiring",
        threshold_on=date.fromordinal(expires_on.toordinal() - days),
        days=days,
        mail_subject=subject,
        body=body,
    )
