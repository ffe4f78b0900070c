"""OpenID Connect against a real provider (npm's oidc-provider) and a provider whose tokens
the test shapes: every check is made on real HTTP with real signatures."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    AuditEvent,
    CentreMembership,
    MembershipSource,
    MembershipStatus,
    Profession,
    User,
)
from lms.plugins.sso.models import Identity
from tests.sso.conftest import at_provider, local, oidc_sign_in, onward, query


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_first_sign_in_creates_the_account_with_mapped_centre_and_profession(client, centres):
    response = oidc_sign_in(client, "nora")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    email = "nora.sjoberg@regionstockholm.example"
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    assert user.name == "Nora Sjöberg"
    assert user.centre_id == centres["karolinska"].id
    assert user.profession == Profession.nurse
    assert user.password_hash is None
    identity = db.session.scalar(select(Identity).where(Identity.user_id == user.id))
    assert (identity.provider, identity.subject) == ("region-test", "nora")
    # The provider's assertion confirms the membership at once, through the core service.
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.confirmed"))
    assert audit.details["via"] == "sso:region-test"
    assert audit.details["old_centre"] is None
    assert audit.details["new_centre"] == "karolinska"
    membership = db.session.scalar(
        select(CentreMembership).where(CentreMembership.user_id == user.id)
    )
    assert membership.status == MembershipStatus.confirmed
    assert membership.source == MembershipSource.identity_provider
    me = client.get("/me/")
    assert me.status_code == 200
    page = me.get_data(as_text=True)
    assert "Nora Sjöberg · Karolinska Universitetssjukhuset, Stockholm · Nurse" in page
    assert "You sign in with: Region Test." in page


def test_second_sign_in_reuses_the_account_and_logout_ends_both_sessions(client, sso_servers):
    oidc_sign_in(client, "per")
    client.post("/auth/logout")
    response = oidc_sign_in(client, "per")
    assert response.status_code == 302
    assert _count(User) == 1
    assert _count(Identity) == 1
    user = db.session.scalar(select(User))
    version = user.session_version
    response = client.post("/auth/logout")
    # Our session ends (the counter moves on) and the browser goes to the provider's
    # end-session endpoint with the ID token as hint (RP-initiated logout).
    db.session.refresh(user)
    assert user.session_version == version + 1
    location = onward(client, response)
    assert location.startswith(f"{sso_servers.oidc_issuer}/session/end?")
    params = query(location)
    assert params["post_logout_redirect_uri"] == "http://lms.test/sso/region-test/logged-out"
    assert params["id_token_hint"].count(".") == 2
    back = at_provider(location, {"logout": "yes"})
    assert back.startswith("http://lms.test/sso/region-test/logged-out")
    page = client.get(local(back), follow_redirects=True).get_data(as_text=True)
    assert "You are logged out, also at Region Test." in page
    assert client.get("/me/").status_code == 302


def test_next_stays_on_this_site(client):
    response = client.get("/sso/region-test/login?next=//evil.example/x")
    callback = at_provider(response.headers["Location"], {"login": "nora", "password": "x"})
    assert client.get(local(callback)).headers["Location"] == "/"
    client.post("/auth/logout")
    response = client.get("/sso/region-test/login?next=/me/")
    callback = at_provider(response.headers["Location"], {"login": "nora", "password": "x"})
    assert client.get(local(callback)).headers["Location"] == "/me/"


def test_redirect_uri_comes_from_the_base_url_not_the_host_header(client):
    response = client.get("/sso/region-test/login", headers={"Host": "evil.example"})
    params = query(response.headers["Location"])
    assert params["redirect_uri"] == "http://lms.test/sso/region-test/callback"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) >= 43
    assert params["state"]
    assert params["nonce"]


def test_the_leaving_page_is_no_open_redirect(client):
    response = client.get("/sso/region-test/leaving?token=forged")
    assert response.headers["Location"] == "/auth/login"


def _refused(response, text: str, *, people: int = 0):
    """A 400 page saying ``text``; nobody signed in or created beyond ``people``."""
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert text in page
    assert "Traceback" not in page
    assert _count(User) == people
    assert _count(Identity) == people


def test_wrong_state_is_refused(client):
    response = client.get("/sso/region-test/login")
    callback = at_provider(response.headers["Location"], {"login": "nora", "password": "x"})
    params = query(callback)
    response = client.get(f"/sso/region-test/callback?code={params['code']}&state=forged-state")
    _refused(response, "not from your browser session")


def test_a_callback_from_another_browser_is_refused(client, other_client):
    response = client.get("/sso/region-test/login")
    callback = at_provider(response.headers["Location"], {"login": "nora", "password": "x"})
    other = other_client
    _refused(other.get(local(callback)), "not from your browser session")


def test_replayed_code_is_refused(client):
    response = client.get("/sso/region-test/login")
    callback = at_provider(response.headers["Location"], {"login": "nora", "password": "x"})
    assert client.get(local(callback)).status_code == 302
    client.post("/auth/logout")
    # Same code again, with a fresh state of this browser: the provider refuses the code
    # (the account stays: audit events are never deleted, so a replay must fail at the
    # provider, not for want of a person to sign in).
    start = client.get("/sso/region-test/login")
    state = query(start.headers["Location"])["state"]
    code = query(callback)["code"]
    _refused(
        client.get(f"/sso/region-test/callback?code={code}&state={state}"),
        "refused the sign-in",
        people=1,
    )
    assert "/auth/logout" not in client.get("/me/", follow_redirects=True).get_data(as_text=True)


def test_provider_error_is_shown_in_plain_words(client):
    start = client.get("/sso/region-test/login")
    state = query(start.headers["Location"])["state"]
    response = client.get(
        f"/sso/region-test/callback?error=access_denied&error_description=x&state={state}"
    )
    _refused(response, "The sign-in was cancelled.")


def _forged(client, forged, mode: str):
    forged.mode = mode
    start = client.get("/sso/forged/login")
    params = query(start.headers["Location"])
    forged.nonce = params["nonce"]
    return client.get(f"/sso/forged/callback?code=c-1&state={params['state']}")


def test_the_shaped_provider_signs_in_when_all_is_right(client, sso_servers):
    response = _forged(client, sso_servers.forged, "good")
    assert response.status_code == 302
    assert _count(Identity) == 1


def test_clock_skew_is_allowed(client, sso_servers):
    assert _forged(client, sso_servers.forged, "skewed").status_code == 302


def test_a_discovery_document_for_another_issuer_is_refused(client):
    response = client.get("/sso/impostor/login")
    _refused(response, "The identity provider is not the one we trust.")


def test_id_tokens_that_fail_a_check_are_refused(client, sso_servers):
    for mode in ("other-audience", "tampered", "expired", "other-issuer", "other-key",
                 "alg-none"):  # fmt: skip
        _refused(_forged(client, sso_servers.forged, mode), "could not be verified")
    sso_servers.forged.mode = "good"


def test_a_person_with_something_due_lands_on_my_courses_as_after_a_password(
    client, make_user, make_course
):
    """The landing rule of issue 17 holds for single sign-on too: without a ``next``, a
    person with an unfinished assigned course lands on My courses."""
    from lms.models import Role
    from lms.plugins.enrolment import assignments, services

    oidc_sign_in(client, "nora")
    client.post("/auth/logout")
    nora = db.session.scalar(select(User))
    make_course("due-course", modules=1, quiz_modules=())
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    assignments.assign(services.course_by_slug("due-course"), [nora], actor=admin, due_on=None)
    db.session.commit()
    assert oidc_sign_in(client, "nora").headers["Location"] == "/me/"
