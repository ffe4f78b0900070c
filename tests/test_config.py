"""The factory and the configuration classes; ``flask lms check-deploy``."""

from __future__ import annotations

import importlib
import re

import pytest

from lms import create_app
from lms.deploy import deploy_problems


def test_testing_config_from_mapping(app):
    assert app.config["TESTING"] is True
    assert app.config["ENV_NAME"] == "testing"


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "SECRET_KEY is not set"),
        ("changeme", "known or trivial"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "known or trivial"),
        ("short-but-random-3x9", "shorter than 32"),
    ],
)
def test_production_refuses_a_weak_secret(secret, message, monkeypatch):
    from config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = secret

    with pytest.raises(RuntimeError, match=message):
        create_app(Prod)


def test_production_refuses_debug():
    from config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = "a-long-and-random-production-secret-0123456789"
        LMS_BASE_URL = "https://learn.example.se"
        DEBUG = True

    with pytest.raises(RuntimeError, match="DEBUG is on"):
        create_app(Prod)


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://lms@db.internal/lms")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-0123456789abcdefgh")
    monkeypatch.setenv("LMS_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("LMS_PLUGINS", "catalog, quizzes")
    monkeypatch.setenv("LMS_SECURE_COOKIES", "0")
    import config

    reloaded = importlib.reload(config)
    try:
        prod = reloaded.ProductionConfig
        assert prod.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://lms@db.internal/lms"
        assert prod.SECRET_KEY == "from-the-environment-0123456789abcdefgh"
        assert prod.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
        assert prod.LMS_PLUGINS == ["catalog", "quizzes"]
        assert prod.SESSION_COOKIE_SECURE is False
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_check_deploy_lists_problems_of_a_development_config():
    from config import DevelopmentConfig

    config = {k: getattr(DevelopmentConfig, k) for k in dir(DevelopmentConfig) if k.isupper()}
    problems = "\n".join(deploy_problems(config))
    assert "SECRET_KEY is a known or trivial value" in problems
    assert "SESSION_COOKIE_SECURE is off" in problems
    assert "HSTS is off" in problems
    assert "rate limits are counted in memory" in problems
    assert "demo mode is on" in problems


def test_check_deploy_command(runner):
    result = runner.invoke(args=["lms", "check-deploy"])
    assert result.exit_code == 1
    assert "SESSION_COOKIE_SECURE is off" in result.output


def test_check_deploy_passes_a_good_production_config():
    config = {
        "SECRET_KEY": "a-long-and-random-production-secret-0123456789",
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "LMS_HSTS": True,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://lms@db/lms",
        "RATELIMIT_STORAGE_URI": "redis://redis:6379/0",
        "RATELIMIT_ENABLED": True,
        "LMS_DEMO": False,
        "MAIL_SERVER": "smtp.example.com",
        "LMS_BASE_URL": "https://learn.example.se",
    }
    assert deploy_problems(config) == []


GOOD_SECRET = "a-long-and-random-production-secret-0123456789"


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("", "LMS_BASE_URL is not set"),
        ("learn.example.se", "not an http(s) address"),
        ("https://learn.example.se/?next=x", "must not carry a query"),
    ],
)
def test_production_refuses_to_start_without_a_usable_base_url(base, message):
    from config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = GOOD_SECRET
        LMS_BASE_URL = base

    with pytest.raises(RuntimeError, match=re.escape(message)):
        create_app(Prod)


def test_check_deploy_says_what_is_wrong_with_the_base_url(runner, app):
    app.config["LMS_BASE_URL"] = ""
    result = runner.invoke(args=["lms", "check-deploy"])
    assert result.exit_code == 1
    assert "LMS_BASE_URL is not set" in result.output
    app.config["LMS_BASE_URL"] = "http://learn.example.se"
    result = runner.invoke(args=["lms", "check-deploy"])
    assert "LMS_BASE_URL is not https" in result.output


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite"})
    (tmp_path / "missing" / "dir").rmdir()  # the factory made it; take it away again
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_healthz_runs_no_hook_and_sends_the_security_headers(app, client):
    """Answered in front of Flask: no session is opened, no user loaded, no hook run (the
    page monitors hit every few seconds), and still the headers every response gets."""
    from flask import request_started

    seen = []

    def started(sender, **_extra):
        seen.append(sender)

    request_started.connect(started, app)
    try:
        response = client.get("/healthz", headers={"Cookie": "session=junk"})
    finally:
        request_started.disconnect(started, app)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert seen == []
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").data == b""
