"""A change one person makes to another's record carries the reason they typed: a due
date changed for people already assigned."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role


def _assign(client, course_id, person, due_on, **extra):
    data = {"course": str(course_id), "target": "person", "person": str(person.id),
            "due_on": due_on, **extra}  # fmt: skip
    return client.post("/centre/assignments", data=data)


def test_a_new_due_date_needs_a_reason_and_keeps_it(client, auth, make_user, make_course):
    version = make_course("assigned-sop")
    admin = make_user(role=Role.centre_admin)
    nurse = make_user()
    auth.login(admin)
    assert _assign(client, version.course_id, nurse, "2027-01-01").status_code == 302
    refused = _assign(client, version.course_id, nurse, "2027-02-01", new_due_date="y")
    assert refused.status_code == 422
    assert "Say why" in refused.get_data(as_text=True)
    moved = _assign(
        client, version.course_id, nurse, "2027-02-01", new_due_date="y", reason="Parental leave"
    )
    assert moved.status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "enrolment.due_date_changed")
    )
    assert event.details["reason"] == "Parental leave"
    assert (event.details["previous_due_on"], event.details["due_on"]) == (
        "2027-01-01",
        "2027-02-01",
    )
    page = client.get("/records/audit").get_data(as_text=True)
    assert f"Changed the due date of {version.title} from 2027-01-01 to 2027-02-01" in page
