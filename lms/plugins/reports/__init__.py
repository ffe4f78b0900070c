"""Centre reports: who holds which training and when it runs out.

Reads the enrolment and certificates plugins' tables through SQL (see
:mod:`lms.plugins.reports.query` for the status rules) and imports neither plugin. The tables
it writes are its own: ``reports_status`` (the facts each status depends on) and
``reports_completion`` (what the month chart counts), kept current through the core's
``records_changed`` signal (:mod:`.store`). Without the
certificates plugin the reports still count enrolments and completions; without the
enrolment plugin they say they are unavailable.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from lms import events
from lms.extensions import db
from lms.plugins import NavEntry, Plugin
from lms.plugins.reports import store, tally
from lms.plugins.reports.models import PersonCourseFacts  # noqa: F401  (for Alembic)
from lms.plugins.reports.services import COMPLETIONS, STATUS, tables
from lms.plugins.reports.views import VIEWERS, bp

reports_cli = AppGroup("reports", help="The centre reports' own tables.")


@reports_cli.command("rebuild")
def rebuild() -> None:
    """Recompute the reports' tables from the records (after a bulk load by SQL, or when the
    reports plugin was switched off while people trained)."""
    t = tables()
    if t is None:
        raise click.ClickException("the enrolment plugin is off: nothing to report on")
    rows = store.rebuild(t)
    db.session.commit()
    click.echo(f"reports_status: {rows} rows rebuilt (and reports_completion, the tallies)")


@reports_cli.command("check")
def check() -> None:
    """Compare the reports' tables with the records, and their tallies (the counts the
    centre pages read) with a recount; exit 1 when anything differs."""
    t = tables()
    if t is None:
        raise click.ClickException("the enrolment plugin is off: nothing to report on")
    differing = store.fact_differences(t)
    tallies = tally.differences(STATUS, COMPLETIONS)
    db.session.rollback()
    if differing or tallies:
        raise click.ClickException(
            f"the reports' tables differ from the records in {differing} rows, "
            f"{tallies} tallies differ from a recount: run `flask reports rebuild`"
        )
    click.echo("the reports' tables agree with the records")


def nav(user) -> list[NavEntry]:
    if user is not None and user.has_role(*VIEWERS):
        return [NavEntry(_l("Centre report"), "reports.dashboard", order=60)]
    return []


def init_app(app: Flask) -> None:
    from lms.cli import lms_cli  # the `flask lms` group; a core module, not a plugin

    events.connect(app, events.records_changed, store.on_records_changed)
    app.cli.add_command(reports_cli)
    # The same two commands where operators look first: `flask lms rebuild-reports`, ...
    lms_cli.add_command(rebuild, "rebuild-reports")
    lms_cli.add_command(check, "check-reports")


plugin = Plugin(
    name="reports",
    blueprint=bp,
    url_prefix="/centre",
    nav=nav,
    init_app=init_app,
    description="Centre dashboards, people lists, charts and CSV/XLSX exports.",
)
