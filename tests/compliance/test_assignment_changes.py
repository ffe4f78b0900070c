"""Centre admins re-date and withdraw assignments, with a reason; a past date is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import clock as lms_clock
from lms.extensions import db
from lms.models import AuditEvent, Role
from lms.plugins.enrolment.models import Assignment
from tests.compliance.conftest import assignments_of


def _assign(client, course, nurse, due):
    return client.post(
        "/centre/assignments",
        data={
            "course": course.course_id,
            "target": "person",
            "person": nurse.id,
            "due_on": due.isoformat(),
        },
    )


def test_redate_makes_a_new_row_audited_old_to_new(client, auth, make_user, cart_course, clock):
    clock.set("2026-05-04T10:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    nurse = make_user(centre="karolinska")
    auth.login(admin)
    today = lms_clock.local_today()
    _assign(client, cart_course, nurse, today + timedelta(days=10))
    [first] = assignments_of(nurse)
    page = client.get(f"/centre/assignments/{first.id}")
    assert page.status_code == 200
    new_due = today + timedelta(days=40)
    response = client.post(
        f"/centre/assignments/{first.id}",
        data={"due_on": new_due.isoformat(), "reason": "On parental leave in May"},
    )
    assert response.status_code == 302
    old, new = assignments_of(nurse)
    assert (old.id, old.due_on) == (first.id, today + timedelta(days=10))
    assert new.due_on == new_due
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "enrolment.due_date_changed")
    )
    assert event.details["previous_due_on"] == (today + timedelta(days=10)).isoformat()
    assert event.details["due_on"] == new_due.isoformat()
    assert event.details["reason"] == "On parental leave in May"
    assert event.actor_id == admin.id
    listing = client.get("/centre/assignments").get_data(as_text=True)
    assert new_due.strftime("%Y") in listing


def test_past_due_date_is_refused_with_a_clear_message(client, auth, make_user, cart_course, clock):
    clock.set("2026-05-04T22:30Z")  # already the 5th in Stockholm
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    nurse = make_user(centre="karolinska")
    auth.login(admin)
    _assign(client, cart_course, nurse, lms_clock.local_today() + timedelta(days=3))
    [first] = assignments_of(nurse)
    response = client.post(
        f"/centre/assignments/{first.id}", data={"due_on": "2026-05-04", "reason": "typo"}
    )
    assert response.status_code == 422
    assert "is in the past; choose today or a later date" in response.get_data(as_text=True)
    assert len(assignments_of(nurse)) == 1
    # and without a reason nothing changes either
    response = client.post(f"/centre/assignments/{first.id}", data={"due_on": "2026-06-01"})
    assert response.status_code == 422
    assert len(assignments_of(nurse)) == 1


def test_withdraw_with_reason_keeps_the_row(client, auth, make_user, cart_course):
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    nurse = make_user(centre="karolinska")
    auth.login(admin)
    _assign(client, cart_course, nurse, lms_clock.local_today() + timedelta(days=3))
    [first] = assignments_of(nurse)
    empty = client.post(
        f"/centre/assignments/{first.id}/withdraw", data={"reason": "  "}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Type the reason for withdrawing the assignment; nothing was changed." in empty
    assert assignments_of(nurse)[0].withdrawn_at is None
    # the reason typed on the assignment's page goes to the confirmation page first
    asked = client.post(
        f"/centre/assignments/{first.id}/withdraw", data={"reason": "Left the unit"}
    ).get_data(as_text=True)
    assert f"<h1>Withdraw the assignment of {nurse.name}?</h1>" in asked
    assert "Your reason, kept in the audit trail: Left the unit" in asked
    assert '<input type="hidden" name="reason" value="Left the unit">' in asked
    assert f'href="/centre/assignments/{first.id}"' in asked  # cancel
    assert assignments_of(nurse)[0].withdrawn_at is None  # nothing yet
    response = client.post(
        f"/centre/assignments/{first.id}/withdraw",
        data={"reason": "Left the unit", "confirm": "yes"},
    )
    assert response.status_code == 302
    [kept] = assignments_of(nurse)
    assert (kept.withdrawn_reason, kept.withdrawn_by_id) == ("Left the unit", admin.id)
    page = client.get("/centre/assignments").get_data(as_text=True)
    assert "Left the unit" in page
    assert "Overdue" not in page


def test_other_centres_assignment_is_not_found(client, auth, make_user, cart_course):
    site = make_user(role=Role.site_admin, centre=None)
    nurse = make_user(centre="skane")
    auth.login(site)
    client.post(
        "/centre/assignments?centre=skane",
        data={"course": cart_course.course_id, "target": "person", "person": nurse.id},
    )
    assignment = db.session.scalar(select(Assignment))
    auth.logout()
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    auth.login(admin)
    assert client.get(f"/centre/assignments/{assignment.id}").status_code == 404
    response = client.post(f"/centre/assignments/{assignment.id}/withdraw", data={"reason": "x"})
    assert response.status_code == 404
    db.session.refresh(assignment)
    assert assignment.withdrawn_at is None
