"""Records an inspector accepts: the audit trail as pages and CSV, signed acknowledgements,
the inspection pack. Talks to the other plugins only through ``lms.events``."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms import events
from lms.models import Role
from lms.plugins import NavEntry, Plugin
from lms.plugins.records import (  # noqa: F401  (views: routes; models: tables)
    audit_views,
    commands,
    external,
    external_views,
    models,
    pack_views,
    sign_views,
    signatures,
)
from lms.plugins.records.blueprint import bp


def nav(user) -> list[NavEntry]:
    if user is None or not user.has_role(Role.centre_admin, Role.site_admin):
        return []
    return [
        NavEntry(_l("Audit trail"), "records.audit_list", order=80),
        NavEntry(_l("Outside training"), "records.external_list", order=81),
    ]


def init_app(app: Flask) -> None:
    from lms.cli import lms_cli

    lms_cli.add_command(commands.inspection_pack_command)
    lms_cli.add_command(commands.verify_pack_command)
    app.add_url_rule(
        "/centre/inspection-pack",
        "records.inspection_pack",
        pack_views.inspection_pack,
        methods=["GET", "POST"],
    )
    events.connect(app, events.completion_blockers, signatures.completion_blockers)
    events.connect(app, events.course_page_panels, sign_views.course_panel)
    events.connect(app, events.certificate_page_panels, sign_views.certificate_panel)
    events.connect(app, events.personal_data, signatures.on_personal_data)
    events.connect(app, events.dashboard_panels, external_views.dashboard_panel)
    events.connect(app, events.personal_data, external.on_personal_data)
    events.connect(app, events.user_anonymised, signatures.on_user_anonymised)


plugin = Plugin(
    name="records",
    blueprint=bp,
    url_prefix="/records",
    nav=nav,
    init_app=init_app,
    description="Audit trail pages, signed acknowledgements, the inspection pack.",
)
