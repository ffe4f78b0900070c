"""Which account a sign-in becomes: linking after the password, several identities, the
site admin's view, "SSO only" centres, and the login page."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Profession, Role, User
from lms.plugins.sso.models import CentrePolicy, Identity
from tests.conftest import PASSWORD
from tests.sso.conftest import oidc_sign_in, saml_sign_in


def _identities(user) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Identity).where(Identity.user_id == user.id))
    return sorted((row.provider, row.subject) for row in rows)


def test_existing_account_is_linked_only_after_its_password(client, make_user, centres):
    local = make_user(email="linda.local@example.com", centre="karolinska",
                      profession=Profession.nurse)  # fmt: skip
    response = oidc_sign_in(client, "linda")
    assert response.headers["Location"] == "/sso/link"
    # Not logged in, nothing linked, nothing changed yet.
    assert client.get("/me/").status_code == 302
    assert _identities(local) == []
    page = client.get("/sso/link").get_data(as_text=True)
    assert "linda.local@example.com" in page
    wrong = client.post("/sso/link", data={"password": "not the password"})
    assert wrong.status_code == 422
    assert "The password is wrong." in wrong.get_data(as_text=True)
    assert _identities(local) == []
    right = client.post("/sso/link", data={"password": PASSWORD})
    assert right.status_code == 302
    assert client.get("/me/").status_code == 200
    assert _identities(local) == [("region-test", "linda")]
    db.session.refresh(local)
    # What the provider asserts wins over what the person typed.
    assert local.centre_id == centres["akademiska"].id
    assert local.profession == Profession.physician
    # Next time: straight in, no password asked.
    client.post("/auth/logout")
    assert oidc_sign_in(client, "linda").headers["Location"] == "/"


def test_several_identities_link_to_one_person(client, sso_servers):
    oidc_sign_in(client, "nora")
    user = db.session.scalar(select(User))
    page = client.get("/sso/identities").get_data(as_text=True)
    assert "Link Inera (test)" in page
    response = saml_sign_in(client, sso_servers.idp, "sara", start="/sso/saml-test/login?link=1")
    assert response.headers["Location"] == "/sso/identities"
    assert _identities(user) == [("region-test", "nora"), ("saml-test", "SE2321000016-SARA")]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    page = client.get("/sso/identities").get_data(as_text=True)
    assert "Region Test" in page
    assert "Inera (test)" in page


def test_an_identity_linked_to_someone_else_stays_there(client, other_client, sso_servers):
    other = other_client
    oidc_sign_in(other, "per")
    oidc_sign_in(client, "nora")
    response = oidc_sign_in(client, "per", start="/sso/region-test/login?link=1")
    assert response.status_code == 400
    assert "already linked to another account" in response.get_data(as_text=True)
    nora = db.session.scalar(select(User).where(User.name == "Nora Sjöberg"))
    assert _identities(nora) == [("region-test", "nora")]


def test_unmapped_organisation_leaves_the_centre_empty(client):
    oidc_sign_in(client, "okand")
    user = db.session.scalar(select(User))
    assert user.centre_id is None
    assert user.profession == Profession.other


def test_deactivated_account_cannot_sign_in(client):
    oidc_sign_in(client, "nora")
    client.post("/auth/logout")
    user = db.session.scalar(select(User))
    user.active = False
    db.session.commit()
    response = oidc_sign_in(client, "nora")
    assert response.status_code == 400
    assert "This account is deactivated." in response.get_data(as_text=True)


def test_site_admin_sees_and_removes_links(client, auth, make_user):
    oidc_sign_in(client, "nora")
    client.post("/auth/logout")
    admin = make_user(role=Role.site_admin, email="admin@example.com")
    auth.login(admin)
    page = client.get("/sso/admin/").get_data(as_text=True)
    assert "http://lms.test/sso/region-test/callback" in page
    assert "http://lms.test/sso/saml-test/metadata.xml" in page
    assert "Nora Sjöberg" in page
    identity = db.session.scalar(select(Identity))
    assert client.post(f"/sso/admin/identities/{identity.id}/remove", csrf=False).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Identity)) == 1
    asked = client.post(f"/sso/admin/identities/{identity.id}/remove").get_data(as_text=True)
    assert "<h1>Remove the link of Nora Sjöberg to region-test?</h1>" in asked
    assert db.session.scalar(select(func.count()).select_from(Identity)) == 1  # not yet
    client.post(f"/sso/admin/identities/{identity.id}/remove", data={"confirm": "yes"})
    assert db.session.scalar(select(func.count()).select_from(Identity)) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sso.identity_removed"))
    assert event.actor_id == admin.id
    assert event.details["identity_subject"] == "nora"


def test_only_site_admins_reach_the_admin_page(client, auth, make_user):
    auth.login(make_user(role=Role.centre_admin))
    assert client.get("/sso/admin/").status_code == 403
    identity_removal = client.post("/sso/admin/identities/1/remove")
    assert identity_removal.status_code == 403


def test_sso_only_centre_refuses_password_login(client, auth, make_user, centres):
    admin = make_user(role=Role.site_admin, email="admin@example.com", centre="skane")
    nurse = make_user(centre="skane", email="nurse@skane.example")
    elsewhere = make_user(centre="karolinska", email="nurse@karolinska.example")
    auth.login(admin)
    skane = centres["skane"]
    client.post(f"/sso/admin/centres/{skane.id}", data={"sso_only": "y"})
    assert db.session.get(CentrePolicy, skane.id).sso_only is True
    client.post("/auth/logout")
    refused = auth.login(nurse)
    assert refused.status_code == 422
    assert "Your centre signs in through its identity provider" in refused.get_data(as_text=True)
    assert client.get("/me/").status_code == 302
    assert auth.login(elsewhere).status_code == 302
    client.post("/auth/logout")
    # A site admin keeps the password: the way back in when the provider is down.
    assert auth.login(admin).status_code == 302
    client.post(f"/sso/admin/centres/{skane.id}", data={})
    client.post("/auth/logout")
    assert auth.login(nurse).status_code == 302


def test_login_page_has_a_button_per_provider_above_the_form(client):
    page = client.get("/auth/login?next=/me/").get_data(as_text=True)
    for label, slug in (("Region Test", "region-test"), ("Inera (test)", "saml-test")):
        assert f'href="/sso/{slug}/login?next=/me/">Log in with {label}</a>' in page
    assert page.index("Log in with Region Test") < page.index('name="password"')


def test_check_deploy_flags_plain_http_providers(runner):
    result = runner.invoke(args=["lms", "check-deploy"])
    assert "SSO: LMS_BASE_URL is not https://" in result.output
    assert "SSO provider 'region-test': the issuer http://127.0.0.1" in result.output
    assert result.exit_code == 1


def test_identities_are_in_the_persons_data_and_go_when_anonymised(client, sso_servers):
    from datetime import timedelta

    from lms.auth import services as auth_services

    oidc_sign_in(client, "nora")
    data = client.post("/auth/my-data.json").get_json()
    assert data["sign_in_identities"][0]["provider"] == "region-test"
    assert data["sign_in_identities"][0]["subject"] == "nora"
    user = db.session.scalar(select(User))
    client.post("/auth/logout")
    auth_services.set_active(user, False, actor=None)
    user.deactivated_at -= timedelta(days=365 * 11)
    db.session.commit()
    auth_services.anonymise(user, actor=user)
    assert _identities(user) == []
