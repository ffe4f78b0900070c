"""Requirements: who must hold which course; they turn into assignments, now and later."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import clock as lms_clock
from lms import people
from lms.extensions import db
from lms.membership import services as membership
from lms.models import AuditEvent, Profession, Role
from lms.plugins.compliance.models import Requirement
from lms.plugins.enrolment.models import Enrolment
from tests.compliance.conftest import assignments_of, new_requirement
from tests.mailbox import queued


def test_centre_admin_creates_requirement_for_nurses_of_a_unit(
    client, auth, make_user, centres, cart_course, clock
):
    clock.set("2026-03-10T09:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    hem = make_user(name="Hanna Hem", centre="karolinska", locale="sv")
    people.update(hem, unit="Hematologi", actor=admin, via="admin")
    other_unit = make_user(centre="karolinska")
    pharmacist = make_user(centre="karolinska", profession=Profession.pharmacist)
    people.update(pharmacist, unit="Hematologi", actor=admin, via="admin")
    elsewhere = make_user(centre="skane")
    people.update(elsewhere, unit="Hematologi", actor=admin, via="admin")
    db.session.commit()
    auth.login(admin)
    page = client.get("/centre/requirements")
    assert page.status_code == 200
    response = new_requirement(
        client, cart_course, unit="hematologi", centre=centres["karolinska"].id
    )
    assert response.status_code == 302
    page = client.get("/centre/requirements").get_data(as_text=True)
    assert "1 person matches, 1 was assigned the course, 0 already hold a valid" in page
    # The list names the course by its title, not by its address.
    assert f'<td data-label="Course">{cart_course.title}</td>' in page
    assert "car-t-nursing</td>" not in page
    requirement = db.session.scalar(select(Requirement))
    assert (requirement.centre_id, requirement.profession, requirement.unit) == (
        centres["karolinska"].id,
        "nurse",
        "hematologi",
    )
    [assignment] = assignments_of(hem)
    assert assignment.due_on == lms_clock.local_today() + timedelta(days=30)
    assert (assignment.requirement_id, assignment.reason) == (requirement.id, requirement.name)
    assert db.session.scalar(select(Enrolment.method).where(Enrolment.user_id == hem.id)) == (
        "requirement"
    )
    for person in (other_unit, pharmacist, elsewhere):
        assert assignments_of(person) == []
    [message] = queued(hem.email)
    assert message.subject == "Kurs tilldelad: Kurs car-t-nursing"
    assert "https://learn.atmp.test/courses/car-t-nursing/" in message.body_text
    assert "CAR-T qualification" in message.body_text


def test_centre_admin_cannot_make_requirement_for_other_or_all_centres(
    client, auth, make_user, centres, cart_course
):
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    make_user(centre="skane")
    auth.login(admin)
    for centre in (centres["skane"].id, 0):
        response = new_requirement(client, cart_course, centre=centre)
        assert response.status_code == 422
    assert db.session.scalar(select(Requirement)) is None


def test_site_admin_requirement_for_every_centre_and_later_joiners(
    client, auth, make_user, centres, cart_course
):
    admin = make_user(role=Role.site_admin, centre=None)
    skane = make_user(centre="skane")
    auth.login(admin)
    assert new_requirement(client, cart_course, centre=0).status_code == 302
    assert len(assignments_of(skane)) == 1
    newcomer = make_user(centre=None)
    membership.place(newcomer, centres["akademiska"], actor=admin, reason="new nurse")
    db.session.commit()
    assert len(assignments_of(newcomer)) == 1
    assert len(queued(newcomer.email)) == 1


def test_person_who_stops_matching_keeps_records_and_sees_the_reason(
    client, auth, make_user, centres, cart_course
):
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    nurse = make_user(centre="karolinska", locale="en")
    auth.login(admin)
    new_requirement(client, cart_course, centre=centres["karolinska"].id)
    [assignment] = assignments_of(nurse)
    people.update(nurse, profession=Profession.physician, actor=admin, via="admin", reason="x")
    db.session.commit()
    [kept] = assignments_of(nurse)
    assert kept.id == assignment.id
    assert kept.withdrawn_at is not None
    assert kept.withdrawn_by_id == admin.id
    assert "no longer fall under the requirement “CAR-T qualification”" in kept.withdrawn_reason
    assert db.session.scalar(select(Enrolment).where(Enrolment.user_id == nurse.id))
    # matching again: a new assignment, the withdrawn one stays
    people.update(nurse, profession=Profession.nurse, actor=admin, via="admin", reason="x")
    db.session.commit()
    assert [a.withdrawn_at is None for a in assignments_of(nurse)] == [False, True]


def test_moving_centre_withdraws_and_withdrawing_requirement_withdraws(
    client, auth, make_user, centres, cart_course
):
    admin = make_user(role=Role.site_admin, centre=None)
    mover = make_user(centre="karolinska")
    stayer = make_user(centre="karolinska")
    auth.login(admin)
    new_requirement(client, cart_course, centre=centres["karolinska"].id)
    membership.place(mover, centres["skane"], actor=admin, reason="moved")
    db.session.commit()
    assert assignments_of(mover)[0].withdrawn_at is not None
    requirement = db.session.scalar(select(Requirement))
    asked = client.post(
        f"/centre/requirements/{requirement.id}/withdraw?centre=karolinska",
        data={"reason": "Product no longer used"},
    ).get_data(as_text=True)
    assert f"<h1>Withdraw the requirement “{requirement.name}”?</h1>" in asked
    assert "Your reason, kept in the audit trail: Product no longer used" in asked
    assert f'action="/centre/requirements/{requirement.id}/withdraw?centre=karolinska"' in asked
    db.session.refresh(requirement)
    assert requirement.active  # nothing yet
    assert assignments_of(stayer)[0].withdrawn_at is None
    response = client.post(
        f"/centre/requirements/{requirement.id}/withdraw?centre=karolinska",
        data={"reason": "Product no longer used", "confirm": "yes"},
    )
    assert response.status_code == 302
    db.session.refresh(requirement)
    assert requirement.withdrawn_reason == "Product no longer used"
    [withdrawn] = assignments_of(stayer)
    assert "Product no longer used" in withdrawn.withdrawn_reason
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"compliance.requirement_created", "compliance.requirement_withdrawn"} <= actions
    assert "enrolment.assignment_withdrawn" in actions
    # a withdrawn requirement asks nothing of newcomers
    newcomer = make_user(centre=None)
    membership.place(newcomer, centres["karolinska"], actor=admin, reason="new")
    db.session.commit()
    assert assignments_of(newcomer) == []


def test_withdraw_needs_a_reason_and_other_centres_requirement_is_not_found(
    client, auth, make_user, centres, cart_course
):
    site = make_user(role=Role.site_admin, centre=None)
    auth.login(site)
    new_requirement(client, cart_course, centre=centres["skane"].id)
    requirement = db.session.scalar(select(Requirement))
    assert (
        client.post(f"/centre/requirements/{requirement.id}/withdraw", data={}).status_code == 302
    )
    empty = client.get(f"/centre/requirements?centre={centres['skane'].slug}")
    assert "nothing was changed" in empty.get_data(as_text=True)
    db.session.refresh(requirement)
    assert requirement.active
    auth.logout()
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    auth.login(admin)
    response = client.post(
        f"/centre/requirements/{requirement.id}/withdraw", data={"reason": "mine now"}
    )
    assert response.status_code == 404
    db.session.refresh(requirement)
    assert requirement.active
