"""Who decides which centre a person belongs to: the examples of the trust issue.

A centre admin moved themselves to another centre with ``POST /auth/profile`` and then read
that centre's people; a learner with an overdue mandatory course moved away and vanished
from their centre's overdue list; self-registration joined any centre; a site admin's change
of centre was audited as the person's own ``profile.updated``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role, User
from lms.plugins.enrolment.models import Assignment, Enrolment


def test_a_centre_admin_cannot_move_themselves_with_the_profile_form(
    client, auth, make_user, centres
):
    admin = make_user(role=Role.centre_admin, centre="skane")
    make_user(centre="karolinska", name="Kim Karolinska")
    auth.login(admin)
    response = client.post(
        "/auth/profile",
        data={"name": admin.name, "centre": str(centres["karolinska"].id), "profession": "nurse"},
    )
    assert response.status_code in (200, 302)
    db.session.refresh(admin)
    assert admin.centre_id == centres["skane"].id
    people = client.get("/centre/people").get_data(as_text=True)
    assert "Kim Karolinska" not in people
    csv = client.get("/centre/report.csv").get_data(as_text=True)
    assert "Kim Karolinska" not in csv


def test_a_learner_with_an_overdue_course_cannot_leave_the_overdue_list(
    client, auth, make_user, make_course, centres
):
    version = make_course("mandatory", modules=1, quiz_modules=(), course={"enrolment": "assigned"})
    nurse = make_user(centre="skane", name="Olle Overdue")
    db.session.add(
        Enrolment(
            user_id=nurse.id, course_id=version.course_id, version_id=version.id, method="assigned"
        )
    )
    db.session.add(
        Assignment(
            course_id=version.course_id,
            user_id=nurse.id,
            centre_id=nurse.centre_id,
            due_on=date(2025, 1, 31),
            created_at=datetime(2025, 1, 1),
        )
    )
    db.session.commit()
    auth.login(nurse)
    client.post(
        "/auth/profile",
        data={"name": nurse.name, "centre": str(centres["umea"].id), "profession": "nurse"},
    )
    auth.logout()
    db.session.refresh(nurse)
    assert nurse.centre_id == centres["skane"].id
    auth.login(make_user(role=Role.centre_admin, centre="skane"))
    overdue = client.get("/centre/people?status=overdue").get_data(as_text=True)
    assert "Olle Overdue" in overdue


def test_registering_asks_to_join_and_the_centre_sees_nothing_until_it_confirms(
    client, auth, make_user, centres
):
    response = client.post(
        "/auth/register",
        data={
            "name": "Nina Newcomer",
            "email": "nina@example.com",
            "password": "en lång lösenfras med ord",
            "confirm": "en lång lösenfras med ord",
            "centre": str(centres["sahlgrenska"].id),
            "profession": "nurse",
        },
    )
    assert response.status_code == 302
    nina = db.session.scalar(select(User).where(User.email == "nina@example.com"))
    assert nina.centre_id is None  # asked, not joined
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert "Sahlgrenska" in profile
    assert "asked to join" in profile
    auth.logout()
    auth.login(make_user(role=Role.centre_admin, centre="sahlgrenska"))
    assert "Nina Newcomer" not in client.get("/centre/assignments").get_data(as_text=True)


def test_a_site_admins_change_of_centre_is_audited_with_the_real_actor_and_reason(
    client, auth, make_user, centres
):
    admin = make_user(role=Role.site_admin)
    person = make_user(centre="skane")
    auth.login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "centre": str(centres["umea"].id),
            "reason": "Started at Umeå on 1 March",
        },
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.centre_id == centres["umea"].id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == person.id).order_by(AuditEvent.id)
    ).all()
    assert "profile.updated" not in [e.action for e in events]
    moved = next(e for e in events if e.action == "membership.moved")
    assert moved.actor_id == admin.id
    assert moved.details["old_centre"] == "skane"
    assert moved.details["new_centre"] == "umea"
    assert moved.details["reason"] == "Started at Umeå on 1 March"
