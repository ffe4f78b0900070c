"""``flask lms send-reminders [--dry-run]``, ``flask lms rebuild-compliance`` and
``flask lms check-compliance`` (the counts of :mod:`.tally`)."""

from __future__ import annotations

import click

from lms.extensions import db
from lms.plugins.compliance import reminders, tally


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="List what would be queued; write nothing.")
def send_reminders_command(dry_run: bool) -> None:
    """Recertify and queue the reminders and digests that are due today (Europe/Stockholm);
    print each. Idempotent: safe to run every few minutes, from several servers at once
    (each reminder has a unique key). ``flask lms send-mail`` delivers what is queued."""
    report = reminders.run(dry_run=dry_run)
    verb = "would queue" if dry_run else "queued"
    for kind, who, what in report.lines:
        click.echo(f"{verb} {kind} to {who}: {what}")
    click.echo(f"{len(report.lines)} {'to queue' if dry_run else 'queued'}.")


@click.command("rebuild-compliance")
def rebuild_command() -> None:
    """Recompute the compliance counts (the centre page's digest, the matrix's column
    counts) from the records: after loading records by SQL behind the app, or after running
    with the compliance plugin switched off."""
    facts = tally.rebuild()
    db.session.commit()
    click.echo(f"compliance_fact: {facts} rows rebuilt (and compliance_tally)")


@click.command("check-compliance")
def check_command() -> None:
    """Compare the compliance counts with a recount from the records (only reads); exit 1
    when anything differs."""
    differing = tally.differences()
    db.session.rollback()
    if differing:
        raise click.ClickException(
            f"{differing} compliance facts or tallies differ from the records: "
            "run `flask lms rebuild-compliance`"
        )
    click.echo("the compliance counts agree with the records")
