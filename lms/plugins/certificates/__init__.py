"""Certificates: issued on ``course_completed``, as PDF, publicly verifiable, signed,
expiring and revocable. Talks to the rest of the app only through lms.events."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lms import events
from lms.plugins import Plugin
from lms.plugins.certificates import (
    credentials,
    documents,
    exported,
    finish,
    models,  # noqa: F401  (tables for Alembic)
    services,
    signing,
)
from lms.plugins.certificates.views import bp, dashboard_panel, did_document, person_panel

certificates_cli = AppGroup("certificates", help="Certificate keys.")


@certificates_cli.command("generate-key")
def generate_key() -> None:
    """Print a new Ed25519 private key for LMS_CERT_SIGNING_KEY (keep it secret)."""
    click.echo(signing.generate_key())


@certificates_cli.command("public-key")
def public_key() -> None:
    """Print the public key third parties check signatures with, and its key id."""
    key = signing.current_key()
    if key.derived:
        click.echo("note: derived from SECRET_KEY (LMS_CERT_SIGNING_KEY is not set)", err=True)
    click.echo(f"key id: {key.key_id}")
    click.echo(key.public_pem(), nl=False)


def init_app(app: Flask) -> None:
    signing.init_app(app)
    events.connect(app, events.course_completed, services.on_course_completed)
    events.connect(app, events.dashboard_panels, dashboard_panel)
    events.connect(app, events.quiz_result_panels, finish.on_quiz_result)
    events.connect(app, events.course_page_panels, finish.on_course_page)
    events.connect(app, events.catalogue_states, finish.on_catalogue_states)
    events.connect(app, events.person_admin_panels, person_panel)
    events.connect(app, events.personal_data, documents.on_personal_data)
    events.connect(app, events.user_anonymised, services.on_user_anonymised)
    events.connect(app, events.user_anonymised, credentials.on_user_anonymised)
    events.connect(app, events.certificate_documents, exported.on_certificate_documents)
    events.connect(app, events.platform_signer, exported.on_sign_request)
    # did:web puts the DID document at the site's root, outside /certificates.
    for rule in ("/.well-known/did.json", "/did.json"):
        app.add_url_rule(rule, "certificates.did_document", did_document)
    app.cli.add_command(certificates_cli)


plugin = Plugin(
    name="certificates",
    blueprint=bp,
    url_prefix="/certificates",
    init_app=init_app,
    description=(
        "Certificates of completion: PDF, public verification, expiry, revocation, "
        "Open Badges 3.0 credentials."
    ),
)
