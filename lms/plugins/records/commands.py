"""``flask lms inspection-pack`` and ``flask lms verify-pack``."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

import click
from sqlalchemy import select

from lms import audit
from lms.content.models import Course
from lms.extensions import db
from lms.models import Centre
from lms.plugins.records import pack, verify


@click.command("inspection-pack")
@click.option("--centre", "centre_slug", required=True, help="The centre's slug.")
@click.option("--course", "course_slug", default=None, help="Only this course (its slug).")
@click.option(
    "--from", "since", type=click.DateTime(["%Y-%m-%d"]), default=None,
    help="Only records from this date (YYYY-MM-DD, Stockholm).",
)  # fmt: skip
@click.option("--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
def inspection_pack_command(centre_slug, course_slug, since, output: Path) -> None:
    """Write a centre's signed inspection pack (ZIP) to OUTPUT."""
    centre = db.session.scalar(select(Centre).where(Centre.slug == centre_slug))
    if centre is None:
        raise click.ClickException(f"no centre {centre_slug!r}")
    course = None
    if course_slug:
        course = db.session.scalar(select(Course).where(Course.slug == course_slug))
        if course is None:
            raise click.ClickException(f"no course {course_slug!r}")
    request = pack.PackRequest(
        centre_id=centre.id,
        course_id=course.id if course else None,
        since=since.date() if since else None,
    )
    try:
        manifest = pack.write_to(request, output.absolute())
    except pack.PackError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(
        "records.pack_built",
        centre=centre.slug,
        course=course.slug if course else None,
        records_from=request.since.isoformat() if request.since else None,
        files=len(manifest["files"]),
        via="cli",
    )
    db.session.commit()
    click.echo(f"{output}: {len(manifest['files'])} files for {manifest['people']} people")


@click.command("verify-pack")
@click.argument("zip_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--public-key", default=None,
    help="Require this key (base64 of the raw 32-byte Ed25519 key) instead of the pack's own.",
)  # fmt: skip
def verify_pack_command(zip_file: Path, public_key: str | None) -> None:
    """Check an inspection pack offline: the manifest's signature and every file's hash."""
    raw = None
    if public_key:
        try:
            raw = base64.b64decode(public_key, validate=True)
        except binascii.Error as exc:
            raise click.ClickException("--public-key is not base64") from exc
    verdict = verify.verify(zip_file, raw)
    if verdict.key_id:
        click.echo(f"signed with key id {verdict.key_id}")
    click.echo(f"files checked: {verdict.checked}")
    for problem in verdict.problems:
        click.echo(f"FAILED {problem}")
    if not verdict.ok:
        raise SystemExit(1)
    click.echo("OK: the signature and every file's SHA-256 match the manifest")
