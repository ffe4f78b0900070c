"""Absolute URLs the identity providers see, built from ``LMS_BASE_URL`` only."""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """``LMS_BASE_URL`` + the endpoint's path; the request's Host header is never used, so a
    forged Host cannot send a code or an assertion elsewhere.

    Raises RuntimeError when ``LMS_BASE_URL`` is not set (single sign-on needs it).
    """
    base = (current_app.config.get("LMS_BASE_URL") or "").rstrip("/")
    if not base:
        raise RuntimeError("LMS_BASE_URL must be set for single sign-on")
    return base + url_for(endpoint, **values)
