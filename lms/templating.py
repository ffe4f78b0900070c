"""What every template can use: navigation from the plugins, the locale, labels."""

from __future__ import annotations

import re

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.labels import membership_status_label, profession_label, role_label, roles_label
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
        "roles_label": roles_label,
        "membership_status_label": membership_status_label,
        "request_path": request.full_path.rstrip("?"),
    }


_TABLE_OPEN = re.compile(r"<table(?=[\s>])")


def scrollable_tables(html: str) -> Markup:
    """Stored, sanitised course HTML (str) with each ``<table>`` inside a box that scrolls
    sideways on its own (WCAG 2.1 SC 1.4.10 reflow: the page never does). The box is
    focusable and named so keyboard users can scroll it (axe: scrollable-region-focusable).

    Done when the page is rendered, not at sync: the stored HTML is part of each module's
    content hash, which decides what a new version "changed"."""
    if "<table" not in html:
        return Markup(html)
    label = Markup.escape(_("Table (scrolls sideways)"))
    opened = _TABLE_OPEN.sub(
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}"><table',
        html,
    )
    return Markup(opened.replace("</table>", "</table></div>"))


def init_templating(app: Flask) -> None:
    app.context_processor(_context)
    app.add_template_filter(scrollable_tables)
