"""Authoring: educators write, check, preview and publish Markdown courses in the browser.

A course managed in the app keeps its draft in the database (the same files a course folder
holds); checking, previewing and publishing run the course pipeline of ``lms.content`` on
the draft written to a temporary folder, so the app and ``courses/`` under git are two ways
into one format. Talks to no other plugin: learners get the new version from the core's
course tables, and the "what changed" note is a core field of the version.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import NavEntry, Plugin
from lms.plugins.authoring import (  # noqa: F401  (models: tables for Alembic; views: routes)
    checking,
    file_views,
    models,
    preview_views,
    upload_views,
    views,
)
from lms.plugins.authoring.blueprint import bp


def nav(user) -> list[NavEntry]:
    if user is not None and user.has_role(Role.educator, Role.site_admin):
        return [NavEntry(_l("Course editing"), "authoring.index", order=55)]
    return []


def init_app(app: Flask) -> None:
    checking.init_app(app)


plugin = Plugin(
    name="authoring",
    blueprint=bp,
    url_prefix="/educator/courses",
    nav=nav,
    init_app=init_app,
    description="Write, check, preview and publish courses in the browser.",
)
