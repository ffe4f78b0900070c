"""Absolute links, built from configuration only.

A link that outlives the request that wrote it (in a mail, on a PDF or its QR code, in
signed JSON, in an export) must point at the platform's public address. The request's
``Host`` header is chosen by whoever sends the request, so ``url_for(..., _external=True)``
and ``request.host_url`` would let an attacker mail a valid password-reset token to a host
of their own (OWASP: host header injection). Every such link comes from
:func:`absolute_url`, which reads ``LMS_BASE_URL`` and nothing else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


class BaseUrlMissing(RuntimeError):
    """``LMS_BASE_URL`` is not set (production refuses to start without it)."""


def base_url() -> str:
    """``LMS_BASE_URL`` without the trailing slash, e.g. ``https://learn.example.se``.

    Raises :class:`BaseUrlMissing` when it is empty: guessing from the request is what
    this module exists to prevent."""
    base = (current_app.config.get("LMS_BASE_URL") or "").strip().rstrip("/")
    if not base:
        raise BaseUrlMissing(
            "LMS_BASE_URL is not set: absolute links (mail, certificates) cannot be written"
        )
    return base


def absolute_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` under ``LMS_BASE_URL`` (which may carry a path
    prefix, e.g. ``https://example.se/learn``). Works in and outside a request (commands,
    mail jobs). ``values`` are the endpoint's arguments, as for ``url_for``; unknown ones
    become the query string. Raises :class:`BaseUrlMissing` without a base and
    ``werkzeug.routing.BuildError`` for an unknown endpoint."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
