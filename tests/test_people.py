"""A person's profession and unit decide which training they must hold: once they are a
confirmed member of a centre, the centre sets them (lms.people), audited with a reason."""

from __future__ import annotations

from sqlalchemy import select

from lms import events
from lms.extensions import db
from lms.models import AuditEvent, Profession, Role


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_confirmed_member_cannot_change_their_own_profession(client, auth, make_user):
    nurse = make_user(profession=Profession.nurse)
    auth.login(nurse)
    page = client.get("/auth/profile").get_data(as_text=True)
    assert 'name="profession"' not in page
    assert "Your centre sets your profession and unit" in page
    response = client.post("/auth/profile", data={"name": "New Name", "profession": "other"})
    assert response.status_code == 302
    db.session.refresh(nurse)
    assert nurse.name == "New Name"
    assert nurse.profession == Profession.nurse  # dodging a nurses' requirement is not possible
    assert _events("person.updated") == []


def test_a_person_without_a_centre_sets_their_own_profession(client, auth, make_user):
    person = make_user(centre=None, profession=Profession.nurse)
    auth.login(person)
    assert 'name="profession"' in client.get("/auth/profile").get_data(as_text=True)
    client.post("/auth/profile", data={"name": person.name, "profession": "pharmacist"})
    db.session.refresh(person)
    assert person.profession == Profession.pharmacist
    (event,) = _events("person.updated")
    assert (event.actor_id, event.subject_id) == (person.id, person.id)
    assert event.details["profession"] == {"old": "nurse", "new": "pharmacist"}


def test_the_centre_admin_sets_profession_and_unit_with_a_reason(app, client, auth, make_user):
    seen = []

    def receiver(sender, payload, **_extra):
        seen.append(payload)

    events.connect(app, events.person_changed, receiver)
    admin = make_user(role=Role.centre_admin)
    nurse = make_user(profession=Profession.nurse)
    auth.login(admin)
    url = f"/centre/members/{nurse.id}/details"
    assert "Profession and unit" in client.get("/centre/members").get_data(as_text=True)
    refused = client.post(url, data={"profession": "nurse", "unit": "Hematologi", "reason": ""})
    assert refused.status_code == 422
    db.session.refresh(nurse)
    assert nurse.unit is None
    response = client.post(
        url, data={"profession": "nurse", "unit": "  Hematologi\n", "reason": "New ward"}
    )
    assert response.status_code == 302
    db.session.refresh(nurse)
    assert nurse.unit == "Hematologi"
    (event,) = _events("person.updated")
    assert (event.actor_id, event.subject_id) == (admin.id, nurse.id)
    assert event.details["unit"] == {"old": None, "new": "Hematologi"}
    assert event.details["reason"] == "New ward"
    assert [(p.user_id, p.fields, p.via) for p in seen] == [
        (nurse.id, frozenset({"unit"}), "admin")
    ]


def test_another_centres_member_is_not_found_for_a_centre_admin(client, auth, make_user):
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    other = make_user(centre="skane")
    auth.login(admin)
    url = f"/centre/members/{other.id}/details"
    assert client.get(url).status_code == 404
    reason = {"profession": "other", "unit": "X", "reason": "y"}
    assert client.post(url, data=reason).status_code == 404
    db.session.refresh(other)
    assert (other.profession, other.unit) == (Profession.nurse, None)
