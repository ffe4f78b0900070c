"""Accounts: register, log in, log out, passwords, reset, profile; bad input stores nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.auth.passwords import hash_password, needs_rehash
from lms.extensions import db
from lms.models import (
    AuditEvent,
    CentreMembership,
    MembershipSource,
    MembershipStatus,
    Profession,
    User,
)
from tests.conftest import PASSWORD
from tests.mailbox import queued


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def register_data(centres, **overrides):
    data = {
        "name": "Åsa Öberg",
        "email": "asa.oberg@example.com",
        "password": "en lång lösenfras med ord",
        "confirm": "en lång lösenfras med ord",
        "centre": str(centres["sahlgrenska"].id),
        "profession": "pharmacist",
    }
    data.update(overrides)
    return data


def test_register_creates_account_and_logs_in(client, centres):
    response = client.post("/auth/register", data=register_data(centres))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "asa.oberg@example.com"))
    assert user.name == "Åsa Öberg"
    assert user.profession is Profession.pharmacist
    assert user.centre_id is None  # asked to join; the centre confirms
    (asked,) = db.session.scalars(select(CentreMembership)).all()
    assert (asked.user_id, asked.centre_id, asked.status, asked.source) == (
        user.id,
        centres["sahlgrenska"].id,
        MembershipStatus.requested,
        MembershipSource.registration,
    )
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    page = client.get("/auth/profile").get_data(as_text=True)
    assert "asa.oberg@example.com" in page
    assert {"user.registered", "membership.requested"} <= set(audit_actions())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Invalid email address."),
        ({"password": "short", "confirm": "short"}, "password", "Use at least 8 characters."),
        (
            {"password": "password123", "confirm": "password123"},
            "password",
            "This password is too common.",
        ),
        (
            {"password": "asa.oberg@example.com", "confirm": "asa.oberg@example.com"},
            "password",
            "Do not use your name or e-mail address as password.",
        ),
        ({"confirm": "something else entirely"}, "confirm", "The passwords differ."),
        ({"centre": "9999"}, "centre", "Not a valid choice."),
        ({"centre": ""}, "centre", "Choose your centre."),
        ({"profession": "wizard"}, "profession", "Not a valid choice."),
        ({"profession": ""}, "profession", "Choose your profession."),
    ],
)
def test_register_bad_input_shows_error_and_stores_nothing(
    client, centres, overrides, field, message
):
    before = count_users()
    response = client.post("/auth/register", data=register_data(centres, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'aria-invalid="true"' in page
    assert count_users() == before


def test_register_accepts_long_passphrase(client, centres):
    phrase = "the quick brown fox jumps over the lazy dog " * 10
    response = client.post(
        "/auth/register", data=register_data(centres, password=phrase, confirm=phrase)
    )
    assert response.status_code == 302
    assert count_users() == 1


def test_register_refuses_email_differing_only_in_case(client, centres, make_user):
    make_user(email="asa.oberg@example.com")
    response = client.post(
        "/auth/register", data=register_data(centres, email="Asa.Oberg@Example.COM")
    )
    assert response.status_code == 422
    assert "An account with this e-mail address exists" in response.get_data(as_text=True)
    assert count_users() == 1


def test_register_form_labels_every_input(client):
    page = client.get("/auth/register").get_data(as_text=True)
    for name in ("name", "email", "centre", "profession", "password", "confirm"):
        assert f'<label for="{name}">' in page
    assert "Karolinska Universitetssjukhuset, Stockholm" in page
    assert "Norrlands universitetssjukhus, Umeå" in page


def test_login_and_logout(client, auth, make_user):
    user = make_user()
    response = auth.login(user)
    assert response.status_code == 302
    assert client.get("/auth/profile").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/auth/profile").status_code == 302
    assert audit_actions()[-2:] == ["login.succeeded", "logout"]


def test_login_email_is_case_insensitive(auth, client, make_user):
    make_user(email="nurse@example.com")
    assert auth.login("  NURSE@example.com ").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("user1@example.com", "wrong password here"),
        ("nobody@example.com", PASSWORD),
    ],
)
def test_login_failure_is_generic_and_audited(auth, make_user, email, password):
    make_user(email="user1@example.com")
    response = auth.login(email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The e-mail address or password is wrong." in page
    assert audit_actions()[-1] == "login.failed"


def test_inactive_user_cannot_log_in(auth, make_user):
    user = make_user(active=False)
    response = auth.login(user)
    assert response.status_code == 422
    assert "The e-mail address or password is wrong." in response.get_data(as_text=True)


def test_logout_revokes_a_copied_session_cookie(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    stolen = client.get_cookie("lms_session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("lms_session", stolen)
    response = replay.get("/auth/profile")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_deactivation_ends_the_session(client, auth, make_user):
    from lms.auth import services

    user = make_user()
    admin = make_user(email="admin@example.com")
    auth.login(user)
    assert client.get("/auth/profile").status_code == 200
    services.set_active(user, False, actor=admin)
    assert client.get("/auth/profile").status_code == 302
    assert audit_actions()[-1] == "user.deactivated"


def test_change_password_logs_out_other_devices(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    other = app.test_client()
    AuthLike = type(auth)
    AuthLike(other).login(user)
    assert other.get("/auth/profile").status_code == 200
    new = "ett helt nytt lösenord"
    response = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert client.get("/auth/profile").status_code == 200  # this device stays in
    assert other.get("/auth/profile").status_code == 302  # the other is out
    db.session.refresh(user)
    from lms.auth.passwords import verify_password

    assert verify_password(user.password_hash, new)


def test_change_password_wrong_current_changes_nothing(client, auth, make_user):
    user = make_user()
    old_hash = user.password_hash
    auth.login(user)
    response = client.post(
        "/auth/password",
        data={"current_password": "not it at all", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 422
    assert "The current password is wrong." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def _reset_link(app) -> str:
    body = queued()[-1].body_text
    return re.search(r"https://learn.atmp.test(/auth/reset/\S+)", body).group(1)


def test_password_reset_is_single_use(app, client, make_user):
    user = make_user(email="reset@example.com")
    response = client.post("/auth/forgot", data={"email": "reset@example.com"})
    assert response.status_code == 302
    link = _reset_link(app)
    assert client.get(link).status_code == 200
    new = "ett nytt och långt lösenord"
    response = client.post(link, data={"password": new, "confirm": new})
    assert response.status_code == 302
    db.session.refresh(user)
    from lms.auth.passwords import verify_password

    assert verify_password(user.password_hash, new)
    again = client.post(
        link, data={"password": "yet another phrase", "confirm": "yet another phrase"}
    )
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)


def test_password_reset_expires(app, client, make_user, monkeypatch):
    make_user(email="reset@example.com")
    client.post("/auth/forgot", data={"email": "reset@example.com"})
    link = _reset_link(app)
    app.config["LMS_PASSWORD_RESET_HOURS"] = 0
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 5)
    assert client.get(link).status_code == 400


def test_password_reset_does_not_reveal_accounts(app, client, make_user):
    make_user(email="known@example.com")
    known = client.post("/auth/forgot", data={"email": "known@example.com"}, follow_redirects=True)
    unknown = client.post(
        "/auth/forgot", data={"email": "unknown@example.com"}, follow_redirects=True
    )

    # The pages are the same but for the CSRF token, which carries a timestamp.
    def without_tokens(response) -> str:
        return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", response.get_data(as_text=True))

    assert known.status_code == unknown.status_code == 200
    assert 'name="csrf_token"' not in without_tokens(known)
    assert without_tokens(known) == without_tokens(unknown)
    assert len(queued()) == 1


def test_tampered_reset_token_is_refused(client):
    assert client.get("/auth/reset/not-a-token").status_code == 400


def test_profile_update_changes_the_name_but_never_centre_or_profession_of_a_member(
    client, auth, make_user, centres
):
    user = make_user(centre="skane")
    auth.login(user)
    response = client.post(
        "/auth/profile",
        data={"name": "Ny Namnsson", "centre": str(centres["umea"].id), "profession": "physician"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    # The centre and (for a confirmed member) the profession are the centre's (lms.people).
    assert (user.name, user.centre_id, user.profession) == (
        "Ny Namnsson",
        centres["skane"].id,
        Profession.nurse,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile.updated"))
    assert event.details == {"name": {"old": "Test User 1", "new": "Ny Namnsson"}}


def test_old_hash_is_upgraded_at_login(auth, make_user):
    from argon2 import PasswordHasher

    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    db.session.commit()
    assert needs_rehash(user.password_hash)
    assert auth.login(user).status_code == 302
    db.session.refresh(user)
    assert not needs_rehash(user.password_hash)


def test_hash_is_argon2id():
    assert hash_password("whatever it is").startswith("$argon2id$")


def test_form_inputs_carry_no_empty_aria_attributes(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '="None"' not in page
    assert "aria-invalid" not in page
