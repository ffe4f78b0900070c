"""Panels on other plugins' pages: the learner's requirements and reminders on /me/, the
centre's digest on /centre/. Each reads a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, select

from lms import clock, events
from lms.content.models import Course
from lms.extensions import db
from lms.models import Centre, Role
from lms.plugins.compliance import digest, records
from lms.plugins.compliance.models import Reminder

RECENT_DAYS = 90
REMINDERS_SHOWN = 5
STATEMENTS = "compliance.panel_statements"


def _dashboard_statements():
    """(the person's required training, their latest reminders): built once per app (the
    assignments table is the enrolment plugin's, found by name; None without it). Building
    them cost more than running them (issue 18)."""
    kept = current_app.extensions.setdefault(STATEMENTS, {})
    if "dashboard" not in kept:
        a = records.assignments()
        kept["dashboard"] = None
        if a is not None:
            kept["dashboard"] = (
                select(
                    a.c.id,
                    a.c.course_id,
                    a.c.due_on,
                    a.c.reason,
                    a.c.withdrawn_at,
                    a.c.withdrawn_reason,
                )
                .where(
                    a.c.user_id == bindparam("user_id"),
                    a.c.reason.is_not(None),
                    records.open_assignment_condition(a) | (a.c.withdrawn_at >= bindparam("since")),
                )
                .order_by(a.c.due_on, a.c.id),
                select(Reminder)
                .where(Reminder.user_id == bindparam("user_id"), Reminder.kind != "digest")
                .order_by(Reminder.id.desc())
                .limit(REMINDERS_SHOWN),
            )
    return kept["dashboard"]


def on_dashboard(sender, payload: events.Dashboard, **_extra) -> Markup | None:
    """The person's required training (open, and withdrawn lately with the reason) and the
    reminders they were sent lately."""
    statements = _dashboard_statements()
    if statements is None:
        return None
    rows_query, reminders_query = statements
    today = clock.local_today()
    since = clock.utcnow() - timedelta(days=RECENT_DAYS)
    rows = db.session.execute(rows_query, {"user_id": payload.user_id, "since": since}).all()
    reminders = list(db.session.scalars(reminders_query, {"user_id": payload.user_id}))
    if not rows and not reminders:
        return None
    lang = str(get_locale() or "sv")
    course_ids = {r.course_id for r in rows}
    titles = {}
    if course_ids:
        for course in db.session.scalars(select(Course).where(Course.id.in_(course_ids))):
            version = course.published_version or course.latest_version
            titles[course.id] = (
                course.slug,
                version.text(lang)["title"] if version else course.slug,
            )
    return Markup(
        render_template(
            "compliance/dashboard_panel.html",
            rows=rows,
            titles=titles,
            reminders=reminders,
            today=today,
        )
    )


def on_centre_dashboard(sender, payload: events.CentreDashboard, **_extra) -> Markup | None:
    """This week's digest of the centre, as the centre admins get it by mail."""
    if not current_user.has_role(Role.centre_admin, Role.site_admin):
        return None
    counts = digest.kept_counts(clock.local_today(), [payload.centre_id]).get(payload.centre_id)
    centre = db.session.get(Centre, payload.centre_id)
    slug = centre.slug if centre is not None and current_user.has_role(Role.site_admin) else None
    return Markup(
        render_template(
            "compliance/centre_panel.html",
            counts=counts or digest.Counts(),
            centre_slug=slug,
        )
    )
