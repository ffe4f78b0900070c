"""``flask lms send-reminders``: recertify, then queue every reminder that is due, once.

What is due is found with set-based SQL (one query per kind and threshold; nothing loops
over people in Python); only the messages to send are handled one by one. Each is written
as a :class:`~.models.Reminder` with its unique key (person, subject, kind, threshold date)
in the transaction that queues its mail in the outbox, so two runs, on two servers at once or
after a crash, never queue a message twice and never lose one. ``flask lms send-mail``
delivers them.

To the learner (in their language): the assigned notice (for assignments an admin made;
requirement and recertification assignments get theirs when made), ``LMS_REMINDER_DAYS``
(default 30 and 7) days before a due date and before a certificate expires, and on the day
an assignment becomes overdue; never for a completed or withdrawn assignment, one that
valid training done elsewhere satisfies, a course no
longer published, or a deactivated person. A reminder the job missed (it was down) is sent
up to ``LMS_REMINDER_LATE_DAYS`` days late, never older ones. A nearer threshold already
passed makes a farther one silent (``days``: no "30 days left" after "7 days left").
To centre admins: a weekly digest on ``LMS_DIGEST_WEEKDAY``, only when it has something.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import String, and_, cast, exists, func, literal, select

from lms import clock
from lms.content.models import Course
from lms.extensions import db
from lms.models import Centre, Role, User, holds_role
from lms.plugins.compliance import digest, notices, recertification, records
from lms.plugins.compliance.models import Reminder
from lms.urls import absolute_url


@dataclass
class Report:
    """What a run queued (or, dry, would queue): (kind, e-mail, what) lines."""

    lines: list[tuple[str, str, str]] = field(default_factory=list)


def thresholds() -> list[int]:
    """``LMS_REMINDER_DAYS`` as whole days, nearest first (e.g. [7, 30])."""
    raw = str(current_app.config.get("LMS_REMINDER_DAYS", "30,7"))
    return sorted({int(part) for part in raw.replace(";", ",").split(",") if part.strip()})


def _late() -> int:
    return int(current_app.config.get("LMS_REMINDER_LATE_DAYS", 7))


def _sent(subject, kind: str, extra=None):
    """SQL: a reminder of ``kind`` about ``subject`` exists (``extra``: more conditions)."""
    r = Reminder.__table__
    conditions = [
        r.c.subject == subject,
        r.c.kind.in_(kind if isinstance(kind, tuple) else (kind,)),
    ]
    if extra is not None:
        conditions.append(extra(r))
    return exists().where(and_(*conditions))


def _open_assignments(today: date):
    """Open assignments of active people to published courses that valid training done
    elsewhere (records plugin) does not already satisfy on ``today`` (Stockholm)."""
    a = records.assignments()
    users = User.__table__
    courses = Course.__table__
    subject = literal("assignment:", String) + cast(a.c.id, String)
    query = (
        select(a.c.id, a.c.user_id, a.c.course_id, a.c.due_on, a.c.created_at, a.c.reason)
        .join(users, users.c.id == a.c.user_id)
        .join(courses, courses.c.id == a.c.course_id)
        .where(
            users.c.active.is_(True),
            courses.c.published_version_id.is_not(None),
            records.open_assignment_condition(a),
            ~records.held_externally(a.c.user_id, a.c.course_id, today),
        )
    )
    return a, subject, query


def _load(rows, user_col: int = 1, course_col: int = 2):
    user_ids = {row[user_col] for row in rows}
    course_ids = {row[course_col] for row in rows}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    courses = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_(course_ids)))}
    return users, courses


def _each(query, report: Report, kind: str, send, dry_run: bool) -> None:
    rows = db.session.execute(query).all() if query is not None else []
    if not rows:
        return
    users, courses = _load(rows)
    for row in rows:
        user, course = users[row[1]], courses[row[2]]
        if dry_run or send(user, course, row):
            report.lines.append((kind, user.email, f"{course.slug} {row[3] or ''}".strip()))


def run(*, dry_run: bool = False) -> Report:
    """One pass on today (Europe/Stockholm); commits unless ``dry_run`` (then nothing is
    written and the report lists what would be queued, recertifications included)."""
    today = clock.local_today()
    report = Report()
    for item, _created in recertification.recertify(today, dry_run=dry_run):
        report.lines.append(("recertify", str(item.user_id), f"course {item.course_id}"))
    if records.assignments() is not None:
        _assignment_reminders(today, report, dry_run)
    if records.certificates() is not None:
        _expiry_reminders(today, report, dry_run)
    if today.weekday() == int(current_app.config.get("LMS_DIGEST_WEEKDAY", 0)):
        _digests(today, report, dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _by_centre(user: User) -> str:
    with force_locale(notices.locale_of(user)):
        return _("your centre assigned it")


def _assignment_reminders(today: date, report: Report, dry_run: bool) -> None:
    a, subject, base = _open_assignments(today)
    since = datetime.combine(today - timedelta(days=_late()), time())
    assigned = base.where(a.c.created_at >= since, ~_sent(subject, "assigned"))
    _each(
        assigned,
        report,
        "assigned",
        lambda u, c, row: notices.assigned(u, row[0], c, row[3], row[5] or _by_centre(u)),
        dry_run,
    )
    for days in thresholds():
        query = base.where(
            a.c.due_on > today,
            a.c.due_on <= today + timedelta(days=days),
            ~_sent(subject, ("due", "assigned"), lambda r, d=days: r.c.days <= d),
        )
        _each(
            query,
            report,
            f"due-{days}",
            lambda u, c, row, d=days: notices.due(u, row[0], c, row[3], d),
            dry_run,
        )
    overdue = base.where(
        a.c.due_on < today,
        a.c.due_on >= today - timedelta(days=_late()),
        ~_sent(subject, "overdue"),
    )
    _each(
        overdue, report, "overdue", lambda u, c, row: notices.overdue(u, row[0], c, row[3]), dry_run
    )


def _expiry_reminders(today: date, report: Report, dry_run: bool) -> None:
    cert, a = records.certificates(), records.assignments()
    users, courses = User.__table__, Course.__table__
    subject = literal("certificate:", String) + cast(cert.c.id, String)
    newest = (
        select(func.max(cert.c.id))
        .where(cert.c.revoked_at.is_(None))
        .group_by(cert.c.user_id, cert.c.course_id)
    )
    base = (
        select(cert.c.id, cert.c.user_id, cert.c.course_id, cert.c.expires_on)
        .join(users, users.c.id == cert.c.user_id)
        .join(courses, courses.c.id == cert.c.course_id)
        .where(
            users.c.active.is_(True),
            courses.c.published_version_id.is_not(None),
            cert.c.id.in_(newest),
            cert.c.expires_on > today,
        )
    )
    if a is not None:  # a recertification assignment's due reminders say it already
        base = base.where(
            ~exists().where(
                a.c.user_id == cert.c.user_id,
                a.c.course_id == cert.c.course_id,
                a.c.withdrawn_at.is_(None),
                a.c.created_at > cert.c.completed_at,
            )
        )
    for days in thresholds():
        query = base.where(
            cert.c.expires_on <= today + timedelta(days=days),
            ~_sent(subject, "expiring", lambda r, d=days: r.c.days <= d),
        )
        _each(
            query,
            report,
            f"expiring-{days}",
            lambda u, c, row, d=days: notices.expiring(u, row[0], c, row[3], d),
            dry_run,
        )


def _digests(today: date, report: Report, dry_run: bool) -> None:
    figures = digest.counts(today)
    if not figures:
        return
    admins = db.session.scalars(
        select(User).where(
            holds_role(Role.centre_admin),
            User.active.is_(True),
            User.centre_id.in_(list(figures)),
        )
    ).all()
    centres = {
        c.id: c for c in db.session.scalars(select(Centre).where(Centre.id.in_(list(figures))))
    }
    for admin in admins:
        centre, c = centres[admin.centre_id], figures[admin.centre_id]
        with force_locale(notices.locale_of(admin)):
            subject = _("Training at %(centre)s: this week", centre=centre.label)
            body = _(
                "Hello %(name)s,\n\nTraining at %(centre)s today:\n- overdue: %(overdue)d\n"
                "- due within 14 days: %(due)d\n- certificates expiring within 30 days: "
                "%(expiring)d\n- new people without their required training: %(new)d\n\n"
                "The training matrix: %(link)s\n",
                name=admin.name,
                centre=centre.label,
                overdue=c.overdue,
                due=c.due_soon,
                expiring=c.expiring,
                new=c.new_without,
                link=absolute_url("compliance.matrix"),
            )
        if dry_run or notices.queue(
            admin,
            subject=f"centre:{centre.id}",
            kind="digest",
            threshold_on=today,
            days=None,
            mail_subject=subject,
            body=body,
            centre_id=centre.id,
        ):
            report.lines.append(("digest", admin.email, centre.slug))
