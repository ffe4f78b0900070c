"""Response headers that every page gets, and the session check behind Flask-Login."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def base_headers(config) -> list[tuple[str, str]]:
    """The headers every response gets (``config``: the app's config, for HSTS)."""
    headers = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if config.get("LMS_HSTS"):
        headers.append(
            (
                "Strict-Transport-Security",
                f"max-age={config['LMS_HSTS_MAX_AGE']}; includeSubDomains",
            )
        )
    return headers


def _signed_in() -> bool:
    """Whether the request carries a signed-in session, without loading the user (a
    database query /healthz and public pages need not pay). A user already loaded by the
    view decides; otherwise a user id in the session or a remember-me cookie counts, even
    one that turns out stale: the cautious side (no-store) for the cache decision."""
    if "_login_user" in g:
        return bool(current_user.is_authenticated)
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" in session or cookie in request.cookies


def set_security_headers(response):
    """``after_request``: the headers every response gets; a signed-in person's pages
    (and every ``auth.`` page) are ``no-store`` with ``Vary: Cookie`` unless the view
    marked its response public. Static files keep Flask's own caching (an ETag, revalidated)."""
    headers = response.headers
    for name, value in base_headers(current_app.config):
        headers.setdefault(name, value)
    endpoint = request.endpoint or ""
    # The app's and plugins' static files (CSS, icons) are the same bytes for everyone:
    # never no-store, or a signed-in person's browser fetches the style sheet on every page.
    if endpoint == "static" or endpoint.endswith(".static"):
        return response
    private = endpoint.startswith("auth.") or _signed_in()
    # A view that marks its response public (course pictures: the same bytes for everyone)
    # keeps its caching; every other page of a logged-in user is no-store.
    if private and not response.cache_control.public:
        headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Cookie")
    return response


# Built once: constructing a statement with a loader option costs more than running it
# (~0.15 ms to build, and its cache key again on every execution; issue 18).
_USER_BY_ID = (
    select(User).options(joinedload(User.role_rows)).where(User.id == bindparam("user_id"))
)


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session counter, so old cookies fail."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    # A view that read the person already (a certificate's holder) costs nothing more;
    # otherwise one statement: the person, their centre and their roles.
    user = db.session.identity_map.get(db.session.identity_key(User, user_id))
    if user is None:
        user = db.session.scalars(_USER_BY_ID, {"user_id": user_id}).unique().one_or_none()
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
