"""Compliance: training requirements that turn into assignments, recertification before a
certificate expires, reminders by e-mail and the training matrix of a centre (issue 14).

Talks to the other plugins only through ``lms.events``: it asks the enrolment plugin for
assignments (``assignment_requested``/``assignment_withdrawn``) and reads the enrolment and
certificates plugins' tables read-only (:mod:`.records`), as the reports plugin does.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms import events
from lms.models import Role
from lms.plugins import NavEntry, Plugin
from lms.plugins.compliance import (  # noqa: F401  (tables, routes)
    commands,
    matrix_views,
    models,
    panels,
    services,
    tally,
    views,
)
from lms.plugins.compliance.blueprint import bp


def nav(user) -> list[NavEntry]:
    if user is not None and user.has_role(Role.centre_admin, Role.site_admin):
        return [
            NavEntry(_l("Requirements"), "compliance.requirements", order=62),
            NavEntry(_l("Training matrix"), "compliance.matrix", order=63),
        ]
    return []


def init_app(app: Flask) -> None:
    from lms.cli import lms_cli  # the `flask lms` group; a core module, not a plugin

    lms_cli.add_command(commands.send_reminders_command)
    lms_cli.add_command(commands.rebuild_command)
    lms_cli.add_command(commands.check_command)
    events.connect(app, events.records_changed, tally.on_records_changed)
    events.connect(app, events.membership_changed, services.on_membership_changed)
    events.connect(app, events.person_changed, services.on_person_changed)
    events.connect(app, events.dashboard_panels, panels.on_dashboard)
    events.connect(app, events.centre_dashboard_panels, panels.on_centre_dashboard)


plugin = Plugin(
    name="compliance",
    blueprint=bp,
    nav=nav,
    init_app=init_app,
    description="Training requirements, recertification, reminders and the training matrix.",
)
