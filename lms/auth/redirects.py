"""Keep ``next`` on this site: ``//evil``, ``/\\evil``, ``https://evil`` all fall back."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from lms import events


def safe_next(target: str | None, fallback: str) -> str:
    if not target:
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    normalised = target.replace("\\", "/")
    if not normalised.startswith("/") or normalised.startswith("//"):
        return fallback
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def landing(user) -> str:
    """Where ``user`` (a User) lands after signing in without a ``next`` (password or single
    sign-on alike): the first path a plugin answers on ``landing_page`` (enrolment: My
    courses while something assigned is not complete), else the home page (the catalogue)."""
    for path in events.emit(events.landing_page, events.Landing(user_id=user.id)):
        if path:
            return path
    return url_for("core.home")
