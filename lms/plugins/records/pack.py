"""The inspection pack: one ZIP with a centre's training records (CSV and XLSX), every
certificate PDF, the signatures, the audit trail for those people, and ``manifest.json``
listing every file with its SHA-256, signed with the platform's Ed25519 key
(``manifest.sig.json``). Checked offline by :mod:`.verify`.

Built into a file object (a temporary file for the web, the output file for the CLI):
each member is written and hashed as it is produced, so neither the ZIP nor any one large
member is ever held whole in memory (EU GMP Annex 11 §8: clear printed copies of stored
data; §7.1: data checked for accessibility, readability and integrity).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms import clock, events
from lms.content.models import Course
from lms.extensions import db
from lms.models import Centre, User
from lms.plugins.records import audit_query, external
from lms.plugins.records import pack_files as files
from lms.plugins.records.models import Signature

FORMAT = "atmp-learn-inspection-pack/1"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig.json"
CHUNK = files.CHUNK


class PackError(Exception):
    """A pack that cannot be built (no signing key); message in English for operators."""


@dataclass(frozen=True)
class PackRequest:
    """``since``: a Stockholm calendar date; records from then on."""

    centre_id: int
    course_id: int | None = None
    since: date | None = None


class _Writer:
    """Adds members to the ZIP, hashing each as it is written."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.files: list[dict] = []

    def add(self, path: str, chunks: Iterable[bytes]) -> None:
        digest = hashlib.sha256()
        size = 0
        with self.archive.open(path, "w", force_zip64=True) as member:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                member.write(chunk)
        self.files.append({"path": path, "sha256": digest.hexdigest(), "bytes": size})


def people(request: PackRequest) -> list[User]:
    """The centre's people today (confirmed members), by name."""
    return list(
        db.session.scalars(
            select(User).where(User.centre_id == request.centre_id).order_by(User.name, User.id)
        )
    )


def _since_utc(request: PackRequest):
    return audit_query._utc_start(request.since) if request.since else None


def _signatures(request: PackRequest, user_ids: list[int]) -> list[Signature]:
    statement = select(Signature).where(Signature.user_id.in_(user_ids or [0]))
    if request.course_id is not None:
        statement = statement.where(Signature.course_id == request.course_id)
    if request.since is not None:
        statement = statement.where(Signature.signed_at >= _since_utc(request))
    return list(db.session.scalars(statement.order_by(Signature.id)))


def _audit_rows(request: PackRequest, user_ids: list[int]) -> Iterator[tuple]:
    yield from audit_query.stream(audit_query.about_people(user_ids, request.since))


def build(request: PackRequest, target) -> dict:
    """Write the pack into ``target`` (a binary file object) and return the manifest.

    Raises PackError when nothing answers ``platform_signer`` (certificates switched off).
    """
    centre = db.session.get(Centre, request.centre_id)
    course = db.session.get(Course, request.course_id) if request.course_id else None
    users = people(request)
    user_ids = [u.id for u in users]
    documents = [
        document
        for answer in events.emit(
            events.certificate_documents,
            events.CertificateDocumentsRequest(
                user_ids=tuple(user_ids),
                course_id=request.course_id,
                issued_from=_since_utc(request),
            ),
        )
        for document in answer or []
    ]
    certificates = {(d.user_id, d.course_id, d.version_id): d for d in documents}
    signature_rows = _signatures(request, user_ids)
    signed = {(s.enrolment_id, s.version_id, s.cycle): s for s in signature_rows}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        since = _since_utc(request)
        rows = lambda: files.record_rows(since, request.course_id, users, certificates, signed)  # noqa: E731
        writer.add("training-records.csv", files.csv_lines(files.RECORD_HEADINGS, rows()))
        writer.add("training-records.xlsx", files.xlsx(rows()))
        for document in documents:
            writer.add(f"certificates/{document.code}.pdf", [document.render()])
        writer.add(
            "signatures.csv",
            files.csv_lines(files.SIGNATURE_HEADINGS, map(files.signature_row, signature_rows)),
        )
        outside = external.of_people(user_ids, request.course_id, request.since)
        writer.add(
            "external-training.csv",
            files.csv_lines(files.EXTERNAL_HEADINGS, (files.external_row(row) for row in outside)),
        )
        for row in outside:
            writer.add(f"evidence/{row.id}-{row.evidence_name}", [external.evidence_bytes(row)])
        writer.add("audit-trail.csv", audit_query.csv_lines(_audit_rows(request, user_ids)))
        for extra in events.emit(events.inspection_pack_files, _pack_query(request, user_ids)):
            for path, chunks in extra or []:
                writer.add(path, chunks)
        manifest = {
            "format": FORMAT,
            "centre": {"slug": centre.slug, "name": centre.name},
            "course": course.slug if course else None,
            "records_from": request.since.isoformat() if request.since else None,
            "created_at": clock.utcnow().isoformat(timespec="seconds") + "Z",
            "people": len(users),
            "files": writer.files,
        }
        body = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        data = body.encode("utf-8")
        archive.writestr(MANIFEST, data)
        archive.writestr(MANIFEST_SIGNATURE, json.dumps(_sign(data), indent=2))
    return manifest


def _pack_query(request: PackRequest, user_ids: list[int]):
    return events.PackFilesRequest(
        centre_id=request.centre_id,
        user_ids=tuple(user_ids),
        course_id=request.course_id,
        since=_since_utc(request),
    )


def _sign(data: bytes) -> dict:
    answers = [a for a in events.emit(events.platform_signer, events.SignRequest(data=data)) if a]
    if not answers:
        raise PackError("no plugin signs with the platform key (is certificates enabled?)")
    signed = answers[0]
    return {
        "signed_file": MANIFEST,
        "algorithm": signed.algorithm,
        "signature": signed.signature,
        "public_key": signed.public_key,
        "key_id": signed.key_id,
    }


def temporary_pack(request: PackRequest):
    """The pack in an anonymous temporary file (rewound), and its manifest."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (closed by stream_file)
    try:
        manifest = build(request, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, manifest


def stream_file(handle) -> Iterator[bytes]:
    """The file in chunks, closed (and so deleted) at the end."""
    try:
        yield from files.file_chunks(handle)
    finally:
        handle.close()


def write_to(request: PackRequest, path) -> dict:
    """Build the pack into ``path`` (written aside, then renamed)."""
    with tempfile.NamedTemporaryFile(dir=str(path.parent), delete=False, suffix=".part") as h:
        try:
            manifest = build(request, h)
        except BaseException:
            h.close()
            path.parent.joinpath(h.name).unlink(missing_ok=True)
            raise
    shutil.move(h.name, path)
    return manifest
