"""``flask lms send-reminders [--dry-run]``."""

from __future__ import annotations

import click

from lms.plugins.compliance import reminders


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
