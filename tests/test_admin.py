"""Site admins manage people: roles, centres, deactivation, anonymisation; data download."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role, User, utcnow


def actions_for(user) -> list[str]:
    rows = select(AuditEvent.action).where(AuditEvent.subject_id == user.id)
    return list(db.session.scalars(rows.order_by(AuditEvent.id)))


def test_site_admin_finds_people(client, auth, make_user):
    admin = make_user(role=Role.site_admin, name="Ada Admin")
    make_user(name="Örjan Sjuksköterska", email="orjan@example.com")
    make_user(name="Other Person")
    auth.login(admin)
    page = client.get("/admin/users?q=örjan").get_data(as_text=True)
    assert "Örjan Sjuksköterska" in page
    assert "Other Person" not in page


def test_role_change_is_audited_and_ends_the_persons_sessions(
    app, client, auth, make_user, centres
):
    admin = make_user(role=Role.site_admin)
    person = make_user()
    other_browser = app.test_client()
    type(auth)(other_browser).login(person)
    auth.login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "roles": ["centre_admin"],
            "centre": str(centres["orebro"].id),
            "reason": "Leads the Örebro unit",
        },
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.roles == {Role.learner, Role.centre_admin}
    assert person.centre_id == centres["orebro"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.changed"))
    assert event.details == {
        "old": [],
        "new": ["centre_admin"],
        "reason": "Leads the Örebro unit",
    }
    assert event.actor_id == admin.id
    assert other_browser.get("/auth/profile").status_code == 302  # logged out


def test_admin_cannot_demote_themselves(client, auth, make_user, centres):
    admin = make_user(role=Role.site_admin)
    auth.login(admin)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={"roles": ["educator"], "centre": str(centres["karolinska"].id)},
        follow_redirects=True,
    )
    assert "You cannot take the site admin role from yourself." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.roles == {Role.learner, Role.site_admin}


def test_bad_role_value_changes_nothing(client, auth, make_user, centres):
    auth.login(make_user(role=Role.site_admin))
    person = make_user()
    response = client.post(
        f"/admin/users/{person.id}", data={"roles": ["emperor"], "centre": str(centres["umea"].id)}
    )
    assert response.status_code == 422
    assert "is not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.roles == {Role.learner}


def test_deactivate_then_anonymise_after_retention(app, client, auth, make_user):
    admin = make_user(role=Role.site_admin)
    person = make_user(name="Karin Karlsson", email="karin@example.com")
    auth.login(admin)
    client.post(f"/admin/users/{person.id}/active", data={"active": "0", "confirm": "yes"})
    db.session.refresh(person)
    assert person.active is False
    assert person.deactivated_at is not None

    # Too early: the retention period has not ended.
    response = client.post(f"/admin/users/{person.id}/anonymise", follow_redirects=True)
    assert "cannot be anonymised yet" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.name == "Karin Karlsson"

    person.deactivated_at = utcnow() - timedelta(days=app.config["LMS_RETENTION_DAYS"] + 1)
    db.session.commit()
    response = client.post(
        f"/admin/users/{person.id}/anonymise", data={"confirm": "yes"}, follow_redirects=True
    )
    assert "training records are kept" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.name == f"Anonymised person {person.id}"
    assert "karin" not in person.email
    assert person.password_hash is None
    assert person.profession.value == "nurse"  # statistics by profession stay right
    assert person.centre_id is not None
    assert actions_for(person)[-2:] == ["user.deactivated", "user.anonymised"]


def test_anonymised_account_cannot_be_reactivated(client, auth, make_user):
    from lms.auth import services

    admin = make_user(role=Role.site_admin)
    person = make_user()
    services.set_active(person, False, actor=admin)
    person.deactivated_at = utcnow() - timedelta(days=10_000)
    db.session.commit()
    services.anonymise(person, actor=admin)
    auth.login(admin)
    response = client.post(
        f"/admin/users/{person.id}/active", data={"active": "1"}, follow_redirects=True
    )
    assert "An anonymised account cannot be reactivated." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.active is False


def test_learner_downloads_their_own_data(client, auth, make_user):
    person = make_user(name="Åke Ödman", email="ake@example.com")
    auth.login(person)
    response = client.post("/auth/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["name"] == "Åke Ödman"
    assert data["account"]["email"] == "ake@example.com"
    assert any(row["action"] == "login.succeeded" for row in data["security_log"])
    assert "personal_data.downloaded" in actions_for(person)
    assert client.get("/auth/my-data.json").status_code == 405  # a GET writes nothing


def test_data_download_includes_plugin_sections(app, client, auth, make_user):
    from lms import events

    def section(sender, payload):
        return ("example", {"user": payload.user_id})

    events.connect(app, events.personal_data, section)
    person = make_user()
    auth.login(person)
    assert client.post("/auth/my-data.json").get_json()["example"] == {"user": person.id}


def test_people_pages_are_for_site_admins_only(client, auth, make_user):
    person = make_user()
    auth.login(make_user(role=Role.centre_admin))
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "0"}).status_code == 403
    assert db.session.get(User, person.id).active is True


def test_dashboard_offers_the_data_download(app, make_user):
    from lms import events

    person = make_user()
    with app.test_request_context():
        snippets = events.panels(events.dashboard_panels, events.Dashboard(user_id=person.id))
    assert any('action="/auth/my-data.json"' in str(s) for s in snippets)
