"""The files of an inspection pack, row by row: training records (CSV and XLSX),
signatures and outside training. Every cell goes through :func:`lms.text.spreadsheet_text`
(no formulas run); times are given in UTC and in Stockholm time."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from lms import clock, events
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.labels import profession_label
from lms.plugins.records.models import Signature
from lms.text import spreadsheet_text

CHUNK = 64 * 1024


def csv_lines(headings: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headings)
    yield buffer.getvalue().encode("utf-8")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_text("" if v is None else str(v)) for v in row])
        yield buffer.getvalue().encode("utf-8")


def file_chunks(handle) -> Iterator[bytes]:
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        yield chunk


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""


def local(moment) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


RECORD_HEADINGS = [
    "person_id", "name", "email", "profession", "unit", "course", "course_title", "version",
    "content_hash", "enrolment_id", "cycle", "enrolment_status", "enrolled_at_utc",
    "completed_at_utc", "completed_at_stockholm", "score_percent", "signed_at_utc",
    "signed_at_stockholm", "signature_meaning", "certificate_code", "certificate_revoked",
]  # fmt: skip


def record_rows(since, course_id, users, certificates, signatures) -> Iterator[list]:
    """One row per training record of ``users`` (asked of enrolment through
    ``training_records``; ``since``: naive UTC or None), with the certificate
    (``certificates``: (user, course, version) -> CertificateDocument) and the signature
    (``signatures``: (enrolment, version, cycle) -> Signature) that belong to it."""
    by_id = {u.id: u for u in users}
    answers = events.emit(
        events.training_records,
        events.TrainingRecordsRequest(user_ids=tuple(by_id), course_id=course_id, since=since),
    )
    versions: dict[int, CourseVersion] = {}
    for answer in answers:
        for record in answer or []:
            version = versions.get(record.version_id) or db.session.get(
                CourseVersion, record.version_id
            )
            versions[record.version_id] = version
            user = by_id[record.user_id]
            signed = signatures.get((record.enrolment_id, record.version_id, record.cycle))
            certificate = (
                certificates.get((record.user_id, record.course_id, record.version_id))
                if record.completed_at
                else None
            )
            yield [
                user.id, user.name, user.email, profession_label(user.profession),
                user.unit or "", version.course.slug, version.title, version.version,
                version.content_hash, record.enrolment_id, record.cycle, record.status,
                stamp(record.enrolled_at), stamp(record.completed_at),
                local(record.completed_at),
                "" if record.score_percent is None else f"{record.score_percent:g}",
                stamp(signed.signed_at) if signed else "",
                local(signed.signed_at) if signed else "",
                signed.meaning if signed else "",
                certificate.code if certificate else "",
                ("yes" if certificate.revoked else "no") if certificate else "",
            ]  # fmt: skip


def xlsx(rows: Iterable[list]) -> Iterator[bytes]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Training records")
    sheet.append(RECORD_HEADINGS)
    for row in rows:
        sheet.append([spreadsheet_text(str(v)) if isinstance(v, str) else v for v in row])
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        yield from file_chunks(handle)


SIGNATURE_HEADINGS = [
    "signature_id", "person_id", "signer_name", "course", "version", "content_hash",
    "signed_at_utc", "signed_at_stockholm", "meaning", "method", "enrolment_id", "cycle",
]  # fmt: skip


def signature_row(s: Signature) -> list:
    return [
        s.id, s.user_id, s.signer_name, db.session.get(Course, s.course_id).slug, s.version,
        s.content_hash, stamp(s.signed_at), local(s.signed_at), s.meaning, s.method,
        s.enrolment_id, s.cycle,
    ]  # fmt: skip


EXTERNAL_HEADINGS = [
    "record_id", "person_id", "course", "title", "provider", "completed_on", "valid_until",
    "evidence_file", "evidence_sha256", "recorded_by_id", "recorded_at_utc", "reason",
]  # fmt: skip


def external_row(row) -> list:
    course = db.session.get(Course, row.course_id) if row.course_id else None
    return [
        row.id, row.user_id, course.slug if course else "", row.title, row.provider or "",
        row.completed_on.isoformat(), row.valid_until.isoformat() if row.valid_until else "",
        f"evidence/{row.id}-{row.evidence_name}", row.evidence_sha256, row.recorded_by_id,
        stamp(row.recorded_at), row.reason,
    ]  # fmt: skip
