"""``flask lms ...``: the commands operators and educators run."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms import audit, demo, events, mail
from lms.auth import services as auth_services
from lms.auth.passwords import password_problem
from lms.backup import BackupError, backup, restore
from lms.content import check_courses
from lms.content.documents import errors
from lms.content.models import MANAGED_IN_COURSES, Course
from lms.content.sync import sync_courses
from lms.deploy import deploy_problems
from lms.extensions import db
from lms.models import Centre, Profession, Role, User, seed_centres

lms_cli = AppGroup("lms", help="ATMP Learn administration.")

DEMO_PASSWORD = "demo-atmp-2026"
DEMO_ACCOUNTS = (
    ("nurse@example.com", "Nora Nyström (demo)", Profession.nurse, Role.learner),
    ("pharmacist@example.com", "Per Lindqvist (demo)", Profession.pharmacist, Role.learner),
    ("educator@example.com", "Eva Ek (demo)", Profession.researcher, Role.educator),
    (
        "centre-admin@example.com",
        "Cecilia Carlsson (demo)",
        Profession.other,
        Role.centre_admin,
    ),
    ("admin@example.com", "Sam Sandberg (demo)", Profession.other, Role.site_admin),
)


def counted(n: int, noun: str) -> str:
    """``1 problem``, ``2 problems``: the operator's English (the CLI is not translated)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@lms_cli.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the new site admin.")
@click.option("--name", prompt=True, help="Full name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (prompted, not echoed, when left out).",
)
@click.option("--centre", "centre_slug", default=None, help="Centre slug, e.g. karolinska.")
def create_admin(email: str, name: str, password: str, centre_slug: str | None) -> None:
    """Create the first real site admin (there are no default accounts outside demo mode)."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.ClickException(problem)
    if auth_services.find_user_by_email(email):
        raise click.ClickException(f"an account with {email} exists already")
    centre_id = None
    if centre_slug:
        centre = db.session.scalar(select(Centre).where(Centre.slug == centre_slug))
        if centre is None:
            raise click.ClickException(f"no centre {centre_slug!r}")
        centre_id = centre.id
    user = auth_services.register_user(
        email=email,
        name=name,
        password=password,
        centre_id=centre_id,
        profession=Profession.other,
        roles=(Role.site_admin,),
        confirm_centre=True,
    )
    click.echo(f"site admin {user.email} created")


@lms_cli.command("check-deploy")
def check_deploy() -> None:
    """List what this configuration gets wrong for production; exit 1 if anything."""
    problems = deploy_problems(current_app.config)
    check = events.DeployCheck(base_url=current_app.config.get("LMS_BASE_URL") or "")
    for found in events.emit(events.deploy_check, check):
        problems += list(found or [])
    for problem in problems:
        click.echo(f"- {problem}")
    if problems:
        click.echo(f"{counted(len(problems), 'problem')} for a production deployment.")
        sys.exit(1)
    click.echo("No problems found for a production deployment.")


@lms_cli.command("send-mail")
@click.option(
    "--retry-now",
    is_flag=True,
    help="Also retry at once the messages waiting after a failure (after fixing the server).",
)
def send_mail_command(retry_now: bool) -> None:
    """Send the mail waiting in the outbox; print what was sent. Safe to run at any time,
    from several servers at once (each message goes out once); deploy/ runs it every
    minute. Exits 1 when a message could not be sent (it stays queued, or is marked failed
    when the server refused the address for good)."""
    report = mail.drain(retry_now=retry_now)
    for message_id, recipient, subject in report.sent:
        click.echo(f"sent #{message_id} to {recipient}: {subject}")
    for message_id, recipient, error in report.deferred:
        click.echo(f"queued again #{message_id} to {recipient}: {error}")
    for message_id, recipient, error in report.failed:
        click.echo(f"failed #{message_id} to {recipient}: {error}")
    waiting = mail.pending()
    click.echo(
        f"{len(report.sent)} sent, {len(report.deferred)} queued again, "
        f"{len(report.failed)} failed; {waiting} waiting in the outbox."
    )
    if report.troubled:
        sys.exit(1)


@lms_cli.command("seed-demo")
def seed_demo() -> None:
    """Create one demo account per role (only when LMS_DEMO is on); once courses are
    loaded, play their activity through the app's pages (a certificate, progress, an
    assignment, a request to join a centre), once per database."""
    if not current_app.config.get("LMS_DEMO"):
        raise click.ClickException("demo mode is off (set LMS_DEMO=1); no demo accounts made")
    seed_centres()
    karolinska = db.session.scalar(select(Centre).where(Centre.slug == "karolinska"))
    for email, name, profession, role in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == email)):
            continue
        auth_services.register_user(
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            centre_id=karolinska.id if karolinska else None,
            profession=profession,
            roles=(role,),
            confirm_centre=True,
        )
        click.echo(f"demo account {email} ({role.value}) / {DEMO_PASSWORD}")
    db.session.commit()
    if not db.session.scalar(select(Course.id).limit(1)):
        click.echo(
            "no courses loaded yet: run sync-courses, then seed-demo again for demo activity"
        )
        return
    try:
        played = demo.play(current_app._get_current_object(), password=DEMO_PASSWORD)
    except demo.DemoError as exc:
        raise click.ClickException(f"demo activity stopped: {exc}") from exc
    for line in played:
        click.echo(f"demo activity: {line}")


@lms_cli.command("check-courses")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_courses_command(path: Path | None) -> None:
    """Check course files; print every problem as path:line: message (warnings as
    path:line: warning: message). Exits 1 when any problem is not a warning."""
    root = path or Path(current_app.config["LMS_COURSES_DIR"])
    problems = check_courses(root)
    for problem in problems:
        click.echo(str(problem))
    failing = errors(problems)
    warned = len(problems) - len(failing)
    if failing:
        click.echo(f"{counted(len(failing), 'problem')}, {counted(warned, 'warning')}.", err=True)
        sys.exit(1)
    click.echo(f"{root}: no problems" + (f", {counted(warned, 'warning')}." if warned else "."))


@lms_cli.command("sync-courses")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def sync_courses_command(path: Path | None) -> None:
    """Load checked courses into the database; refuse those that do not check. Learners
    part-way through a course move to its new patch or minor version."""
    root = path or Path(current_app.config["LMS_COURSES_DIR"])
    results = sync_courses(root)
    for result in results:
        click.echo(str(result))
    if any(result.outcome == "refused" for result in results):
        sys.exit(1)


@lms_cli.command("take-over-course")
@click.argument("slug")
@click.option(
    "--to-git",
    "to_git",
    is_flag=True,
    help="Manage the course from courses/SLUG (under git) again instead of in the app.",
)
def take_over_course_command(slug: str, to_git: bool) -> None:
    """Let the sync store SLUG from courses/ again after it was managed in the app."""
    if not to_git:
        raise click.UsageError(
            "say where to: --to-git (an educator moves a course into the app with the "
            "'Import into the app' button on its page under /educator/courses/)"
        )
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"no course {slug!r}")
    if course.managed_in == MANAGED_IN_COURSES:
        click.echo(f"{slug} is managed from courses/ already.")
        return
    course.managed_in = MANAGED_IN_COURSES
    audit.record("content.course_taken_over", course=slug, managed_in=MANAGED_IN_COURSES)
    db.session.commit()
    click.echo(
        f"{slug} is managed from courses/{slug} now: sync-courses stores it from there. "
        "The draft made in the app is kept, read-only: download it as a ZIP from "
        f"/educator/courses/{slug}/ and commit it under courses/ to carry on from it."
    )


@lms_cli.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
def backup_command(target: Path) -> None:
    """Write a consistent backup of the database to TARGET (safe while the app runs)."""
    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {target}")


@lms_cli.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with the backup in SOURCE. Stop the app first."""
    if not yes:
        click.confirm("This replaces every row in the database. Go on?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {source}")


def init_app(app: Flask) -> None:
    app.cli.add_command(lms_cli)
