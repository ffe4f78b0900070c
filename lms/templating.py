"""What every template can use: navigation from the plugins, the locale, labels."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import NamedTuple

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup

from lms.labels import membership_status_label, profession_label, role_label, roles_label
from lms.plugins import nav_entries


class NavKey(NamedTuple):
    """Everything the navigation in ``base.html`` reads about the person and the plugins:
    the key its HTML is kept under (``lms.fragments.cached_part``). ``links``: (label in
    the page's language, endpoint, order, URL values) of each plugin's entry."""

    signed_in: bool
    staff: bool  # centre admin or site admin: "Members"
    site_admin: bool  # "People"
    links: tuple
    current: str | None  # the endpoint of the entry marked as the current page


def _label_key(label) -> Hashable:
    """A label as a key part: a lazy string by its message and arguments (the locale is in
    the cache key already, so translating it here would only cost), other text as it is."""
    if isinstance(label, LazyString):
        return (label._args, tuple(sorted(label._kwargs.items())))
    return str(label)


def current_entry(endpoint: str | None, entries) -> str | None:
    """The endpoint of the navigation entry to mark as the current page: the entry of this
    very page; on the home page, the catalogue when the home page shows it; otherwise the
    one entry of the page's own plugin (the people list is part of "Centre report", a
    module page of "Courses"). None when no entry, or more than one, could be meant."""
    if not endpoint:
        return None
    endpoints = [e.endpoint for e in entries]
    if endpoint in endpoints:
        return endpoint
    if endpoint == "core.home" and "catalog.index" in current_app.view_functions:
        endpoint = "catalog.index"
        return endpoint if endpoint in endpoints else None
    blueprint = endpoint.split(".", 1)[0]
    same = [e for e in endpoints if e.split(".", 1)[0] == blueprint]
    return same[0] if len(same) == 1 else None


def nav_key(user, entries, endpoint: str | None = None) -> NavKey:
    """The :class:`NavKey` for ``user`` (None: not signed in), their ``entries`` and the
    page's ``endpoint``."""
    links = tuple(
        (_label_key(e.label), e.endpoint, e.order, tuple(sorted(e.values.items()))) for e in entries
    )
    current = current_entry(endpoint, entries)
    if user is None:
        return NavKey(False, False, False, links, current)
    return NavKey(
        True,
        user.has_role("centre_admin", "site_admin"),
        user.has_role("site_admin"),
        links,
        current,
    )


def _context():
    """Built once per request: a page and the panels the plugins render into it share it."""
    built = g.get("lms_template_context")
    if built is None:
        built = g.lms_template_context = _build()
    return built


def _build() -> dict:
    # The language switch in base.html is plain HTML (no form object to build per page).
    user = current_user._get_current_object() if current_user.is_authenticated else None
    entries = nav_entries(current_app, user)
    return {
        "nav_entries": entries,
        "nav_key": nav_key(user, entries, request.endpoint),
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
