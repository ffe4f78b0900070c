"""The security baseline: headers, CSRF, redirects, error pages, throttling."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import abort
from sqlalchemy import func, select

from lms import create_app
from lms.access import public
from lms.extensions import db
from lms.models import User


def test_security_headers_on_every_page(client):
    response = client.get("/auth/login")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # not in development/testing


def test_logged_in_pages_are_not_cached(client, auth, make_user):
    assert "no-store" not in client.get("/accessibility").headers.get("Cache-Control", "")
    auth.login(make_user())
    assert client.get("/accessibility").headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable_for_a_signed_in_person(client, auth, make_user):
    """The style sheet is the same for everyone: a signed-in browser keeps it and asks
    again with its ETag (304), instead of fetching it on every page (no-store)."""
    auth.login(make_user())
    first = client.get("/static/css/app.css")
    first.close()  # a file response: its file is closed by the server after sending
    assert first.status_code == 200
    assert "no-store" not in first.headers.get("Cache-Control", "")
    assert first.headers["X-Content-Type-Options"] == "nosniff"  # still every base header
    again = client.get("/static/css/app.css", headers={"If-None-Match": first.headers["ETag"]})
    again.close()
    assert again.status_code == 304
    assert client.get("/accessibility").headers["Cache-Control"] == "no-store"  # pages still


def test_production_sends_hsts_and_secure_cookies(monkeypatch, tmp_path):
    from config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = "a-long-and-random-production-secret-0123456789"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite'}"
        LMS_BASE_URL = "https://learn.example.se"

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/accessibility")
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]


def test_post_without_csrf_token_is_refused(client, centres):
    response = client.post(
        "/auth/register",
        data={"name": "X", "email": "x@example.com", "password": "p" * 12, "confirm": "p" * 12},
        csrf=False,
    )
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_post_with_forged_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": "whatever", "csrf_token": "forged"},
        csrf=False,
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "/%0d%0aLocation:%20https://evil.example",
        "/\r\nLocation: https://evil.example",
        " //evil.example",
        "\t//evil.example",
    ],
)
def test_next_never_leaves_the_site(client, auth, make_user, target):
    user = make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location.replace("\\", "/"))
    assert (parts.scheme, parts.netloc) == ("", "")
    assert location.startswith("/")
    assert "\r" not in location
    assert "\n" not in location


def test_next_keeps_local_paths(client, make_user):
    user = make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": "/auth/profile?tab=1"},
        data={"email": user.email, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"] == "/auth/profile?tab=1"


def test_not_found_page_is_generic(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "The page was not found" in response.get_data(as_text=True)


def test_server_error_page_shows_no_traceback(database_template, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "TESTING": False,
            "PROPAGATE_EXCEPTIONS": False,
        }
    )

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page


def test_forbidden_page(app, client):
    @app.route("/forbidden-test")
    @public
    def forbidden_test():
        abort(403)

    response = client.get("/forbidden-test")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "config_overrides",
    [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LMS_LOGIN_LIMIT_PER_ADDRESS": "100/minute"}],
)
def test_login_is_throttled_per_account(client, auth, make_user, config_overrides):
    user = make_user()
    for _ in range(3):
        assert auth.login(user, "wrong password").status_code == 422
    response = auth.login(user, "wrong password")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Even the right password waits: the account is throttled, not just the guesses.
    assert auth.login(user).status_code == 429
    # Another account from the same address is not affected.
    assert auth.login(make_user(), "wrong password").status_code == 422


@pytest.mark.parametrize(
    "config_overrides",
    [{"LMS_LOGIN_LIMIT_PER_ACCOUNT": "100/minute", "LMS_LOGIN_LIMIT_PER_ADDRESS": "4 per minute"}],
)
def test_login_is_throttled_per_address(client, auth, make_user, config_overrides):
    users = [make_user() for _ in range(5)]
    statuses = [auth.login(user, "wrong password").status_code for user in users]
    assert statuses == [422, 422, 422, 422, 429]
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    response = other.post(
        "/auth/login", data={"email": users[0].email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
