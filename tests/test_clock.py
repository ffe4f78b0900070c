"""Dates are Swedish dates: "today" is Stockholm's today on every page and in every export,
whatever the server's clock and across the changes to and from summer time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lms import clock as lms_clock
from lms.extensions import db
from lms.models import Role
from lms.plugins.enrolment.models import Assignment, Enrolment


@pytest.mark.parametrize(
    ("moment", "today"),
    [
        # Spring forward, 2026-03-29 02:00 CET -> 03:00 CEST.
        ("2026-03-28T22:59:59Z", date(2026, 3, 28)),  # 23:59:59 CET
        ("2026-03-28T23:00:00Z", date(2026, 3, 29)),  # 00:00 CET
        ("2026-03-29T21:59:59Z", date(2026, 3, 29)),  # 23:59:59 CEST
        ("2026-03-29T22:00:00Z", date(2026, 3, 30)),  # 00:00 CEST
        ("2026-03-29T23:30:00Z", date(2026, 3, 30)),  # the example: 01:30 CEST
        # Fall back, 2026-10-25 03:00 CEST -> 02:00 CET.
        ("2026-10-24T21:59:59Z", date(2026, 10, 24)),
        ("2026-10-24T22:00:00Z", date(2026, 10, 25)),
        ("2026-10-25T22:59:59Z", date(2026, 10, 25)),  # 23:59:59 CET
        ("2026-10-25T23:00:00Z", date(2026, 10, 26)),
    ],
)
def test_local_today_is_stockholms_date(clock, moment, today):
    clock.set(moment)
    assert lms_clock.local_today() == today


def test_the_zone_comes_from_configuration(app, clock):
    clock.set("2026-03-29T23:30Z")
    app.config["LMS_TIMEZONE"] = "America/New_York"
    assert lms_clock.local_today() == date(2026, 3, 29)
    assert lms_clock.to_local(datetime(2026, 3, 29, 23, 30)).hour == 19


@pytest.fixture
def due_on_the_29th(make_user, make_course):
    """A nurse at Skåne assigned a course due 2026-03-29; her centre admin."""
    version = make_course(
        "due-course", modules=2, quiz_modules=(), course={"enrolment": "assigned"}
    )
    nurse = make_user(centre="skane", name="Nora Nilsson")
    admin = make_user(centre="skane", role=Role.centre_admin, name="Centre Admin")
    db.session.add(
        Enrolment(
            user_id=nurse.id,
            course_id=version.course_id,
            version_id=version.id,
            method="assigned",
            enrolled_at=datetime(2026, 3, 1, 9),
        )
    )
    db.session.add(
        Assignment(
            course_id=version.course_id,
            user_id=nurse.id,
            centre_id=nurse.centre_id,
            due_on=date(2026, 3, 29),
            assigned_by_id=admin.id,
            created_at=datetime(2026, 3, 1, 9),
        )
    )
    db.session.commit()
    return nurse, admin


def _overdue_everywhere(client, auth, nurse, admin) -> tuple[bool, bool, bool]:
    auth.login(nurse)
    me = client.get("/me/").get_data(as_text=True)
    auth.logout()
    auth.login(admin)
    assignments = client.get("/centre/assignments").get_data(as_text=True)
    csv = client.get("/centre/report.csv").get_data(as_text=True)
    auth.logout()
    row = next(line for line in csv.splitlines() if "Nora Nilsson" in line)
    return "is-overdue" in me, "badge overdue" in assignments, ";Overdue;" in row


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        ("2026-03-29T21:59Z", False),  # 23:59 on the 29th in Stockholm: due today
        ("2026-03-29T23:30Z", True),  # 01:30 on the 30th in Stockholm, 23:30 in UTC
        ("2026-03-30T12:00Z", True),
    ],
)
def test_overdue_agrees_on_me_assignments_and_csv(
    client, auth, clock, due_on_the_29th, moment, overdue
):
    nurse, admin = due_on_the_29th
    clock.set(moment)
    assert _overdue_everywhere(client, auth, nurse, admin) == (overdue, overdue, overdue)
