"""What every template can use: navigation from the plugins, the locale, labels."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user

from lms.labels import membership_status_label, profession_label, role_label
from lms.plugins import nav_entries


def _context():
    """Built once per request: a page and the panels the plugins render into it share it."""
    built = g.get("lms_template_context")
    if built is None:
        built = g.lms_template_context = _build()
    return built


def _build() -> dict:
    # The language switch in base.html is plain HTML (no form object to build per page).
    user = current_user if current_user.is_authenticated else None
    return {
        "nav_entries": nav_entries(current_app, user),
        "current_locale": str(get_locale()),
        "profession_label": profession_label,
        "role_label": role_label,
        "membership_status_label": membership_status_label,
        "request_path": request.full_path.rstrip("?"),
    }


def init_templating(app: Flask) -> None:
    app.context_processor(_context)
