"""Recertification across an expiry: re-assigned before the certificate runs out, due on the
expiry date; passing again issues a new certificate; every record stays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.models import Profession, Role
from lms.plugins.certificates.models import Certificate
from lms.plugins.enrolment.models import Cycle, Enrolment
from tests.compliance.conftest import assignments_of, complete_course, requirement_for
from tests.mailbox import queued


def run(runner, *args) -> str:
    result = runner.invoke(args=["lms", "send-reminders", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_recertification_across_an_expiry(client, auth, runner, make_user, make_course, clock):
    clock.set("2026-01-10T09:00Z")
    course = make_course(
        "gmo-handling",
        title="GMO handling",
        modules=1,
        quiz_modules=(),
        course={"enrolment": "assigned", "certificate_valid_months": 12, "recertify_days": 30},
    )
    assert course.recertify_days == 30
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    nurse = make_user(centre="karolinska", locale="en")
    requirement_for(admin, course, name="GMO handling")
    complete_course(client, auth, nurse, "gmo-handling")
    [first] = db.session.scalars(select(Certificate)).all()
    assert first.expires_on == date(2027, 1, 10)
    # 31 days before the expiry: not yet (the course says 30)
    clock.set("2026-12-10T09:00Z")
    assert "recertify" not in run(runner)
    # 30 days before (Stockholm): assigned again, due on the expiry date, in a new cycle
    clock.set("2026-12-10T23:30Z")
    output = run(runner)
    assert "recertify" in output
    _old, new = assignments_of(nurse)
    assert new.due_on == date(2027, 1, 10)
    assert "valid until 10 January 2027" in new.reason
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == nurse.id))
    assert enrolment.cycle == 2
    assert db.session.scalar(select(Cycle.reason)) == "recertification"
    assert queued(nurse.email)[-1].subject == "Training assigned: GMO handling"
    assert "recertify" not in run(runner)  # once
    # the expiry passes unrenewed: overdue the day after, in Stockholm
    clock.set("2027-01-10T22:59Z")
    assert "overdue" not in run(runner)
    clock.set("2027-01-10T23:30Z")
    assert "queued overdue" in run(runner)
    auth.login(admin)
    page = client.get("/centre/matrix").get_data(as_text=True)
    assert "Overdue" in page
    auth.logout()
    # passing again: a new certificate, the first one stays; nothing more is asked
    complete_course(client, auth, nurse, "gmo-handling")
    certificates = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert certificates[0].id == first.id
    assert len(certificates) == 2
    assert certificates[1].expires_on == date(2028, 1, 11)
    assert len(assignments_of(nurse)) == 2
    assert "0 queued." in run(runner)
    auth.login(admin)
    page = client.get("/centre/matrix").get_data(as_text=True)
    assert "Valid" in page
    assert "2028" in page
