"""Enrolment: enrolling, progress, completion, the learner dashboard, assigned courses and
bulk enrolment from CSV. Talks to the other plugins only through ``lms.events``."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms import events
from lms.models import Role
from lms.plugins import NavEntry, Plugin
from lms.plugins.enrolment import (  # noqa: F401  (views: routes; models: tables)
    admin_views,
    assignment_views,
    finish,
    import_views,
    models,
    module_state,
    receivers,
    requested,
    versions,
    views,
)
from lms.plugins.enrolment.blueprint import bp


def nav(user) -> list[NavEntry]:
    if user is None:
        return []
    entries = [NavEntry(_l("My courses"), "enrolment.dashboard", order=20)]
    if user.has_role(Role.centre_admin, Role.site_admin):
        entries.append(NavEntry(_l("Assignments"), "enrolment.assignments", order=60))
    if user.has_role(Role.educator, Role.site_admin):
        entries.append(NavEntry(_l("Enrolment keys"), "enrolment.course_keys", order=65))
    return entries


def init_app(app: Flask) -> None:
    module_state.init_app(app)
    events.connect(app, events.quiz_passed, receivers.on_quiz_passed)
    events.connect(app, events.certificate_revoked, receivers.on_certificate_revoked)
    events.connect(app, events.ensure_enrolment, receivers.on_ensure_enrolment)
    events.connect(app, events.course_page_panels, receivers.on_course_page)
    events.connect(app, events.module_page_panels, receivers.on_module_page)
    events.connect(app, events.module_page_query, receivers.on_module_page_query)
    events.connect(app, events.personal_data, receivers.on_personal_data)
    events.connect(app, events.enrolment_progress, receivers.on_progress_query)
    events.connect(app, events.completion_recheck, receivers.on_completion_recheck)
    events.connect(app, events.training_records, receivers.on_training_records)
    events.connect(app, events.version_published, versions.on_version_published)
    events.connect(app, events.quiz_result_panels, finish.on_quiz_result)
    events.connect(app, events.catalogue_states, finish.on_catalogue_states)
    events.connect(app, events.landing_page, finish.on_landing)
    events.connect(app, events.assignment_requested, requested.on_assignment_requested)
    events.connect(app, events.assignment_withdrawn, requested.on_assignment_withdrawn)


plugin = Plugin(
    name="enrolment",
    blueprint=bp,
    nav=nav,
    init_app=init_app,
    description="Enrolment, progress, completion, assigned courses, CSV import.",
)
