"""Response headers that every page gets, and the session check behind Flask-Login."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from lms.extensions import db
from lms.models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("LMS_HSTS"):
        headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={current_app.config['LMS_HSTS_MAX_AGE']}; includeSubDomains",
        )
    private = current_user.is_authenticated or (request.endpoint or "").startswith("auth.")
    # A view that marks its response public (course pictures: the same bytes for everyone)
    # keeps its caching; every other page of a logged-in user is no-store.
    if private and not response.cache_control.public:
        headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Cookie")
    return response


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session counter, so old cookies fail."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
