"""Issuing, finding, describing and revoking certificates. All writes happen here.

Issuing listens to ``course_completed``. The unique ``completion_id`` column, not this
code, is what guarantees one certificate per completion: a retried or concurrent signal
hits the constraint, and that is read as "already issued".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms import audit, clock, events, records
from lms.content.models import CourseVersion
from lms.extensions import db
from lms.models import Role, User, utcnow
from lms.plugins.certificates import codes, credentials
from lms.plugins.certificates.models import Certificate
from lms.text import one_line
from lms.urls import absolute_url

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


def today() -> date:
    """Today where the centres are (:func:`lms.clock.local_today`)."""
    return clock.local_today()


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def add_months(start: date, months: int) -> date:
    """Calendar months, clamping the day: 31 January + 1 month is 28 (or 29) February."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _exists(completion_id: int) -> bool:
    found = db.session.scalar(
        select(Certificate.id).where(Certificate.completion_id == completion_id)
    )
    return found is not None


def _facts(payload: events.CourseCompleted) -> dict:
    """Everything the certificate states, copied now so later edits never change it."""
    user = db.session.get(User, payload.user_id)
    version = db.session.get(CourseVersion, payload.version_id)
    if user is None or version is None or version.course_id != payload.course_id:
        raise ValueError(f"course_completed names an unknown user or version: {payload}")
    supported = current_app.config["LMS_LOCALES"]
    language = (
        user.locale if user.locale in supported else current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    completed_at = _as_utc(payload.at)
    completed_on = clock.local_date(completed_at)
    months = version.certificate_valid_months
    return {
        "user_id": user.id,
        "course_id": version.course_id,
        "version_id": version.id,
        "enrolment_id": payload.enrolment_id,
        "completion_id": payload.completion_id,
        "name": one_line(user.name),  # a row stored before names were cleaned, too
        "profession": user.profession.value,
        "centre_name": user.centre.name if user.centre else None,
        "course_slug": version.course.slug,
        "course_title": version.text(language)["title"],
        "version": version.version,
        "content_hash": version.content_hash,
        "completed_at": completed_at.replace(tzinfo=None),
        "completed_on": completed_on,
        "score_percent": payload.score_percent,
        "expires_on": add_months(completed_on, months) if months else None,
        "language": language,
    }


def issue(payload: events.CourseCompleted) -> Certificate | None:
    """Store the certificate of a completion; None when it was already issued."""
    if _exists(payload.completion_id):
        return None
    facts = _facts(payload)
    for _attempt in range(3):
        certificate = Certificate(code=codes.new_code(), issued_at=utcnow(), **facts)
        credentials.attach(certificate)  # its status bit and Open Badge, in this transaction
        db.session.add(certificate)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if _exists(payload.completion_id):
                return None  # a concurrent or retried signal issued it first
            continue  # a code or status-bit collision: draw again
        events.emit(
            events.certificate_issued,
            events.CertificateIssued(
                user_id=certificate.user_id,
                course_id=certificate.course_id,
                version_id=certificate.version_id,
                certificate_id=certificate.id,
                code=certificate.code,
                at=certificate.issued_at,
            ),
        )
        return certificate
    raise RuntimeError("could not store a certificate with a unique code")


def on_course_completed(sender, payload: events.CourseCompleted) -> None:
    # Errors propagate: enrolment has committed the completion before it sends, so a
    # failure here loses no record, and it is logged where the request failed.
    issue(payload)


def on_user_anonymised(sender, payload: events.UserAnonymised) -> None:
    """The name is the one personal fact a certificate copies; replace it with the
    anonymised account's name and keep the record (archive law and GMP want it)."""
    user = db.session.get(User, payload.user_id)
    db.session.execute(
        update(Certificate).where(Certificate.user_id == payload.user_id).values(name=user.name)
    )
    db.session.commit()


def find(typed_code: str) -> Certificate | None:
    code = codes.normalise(typed_code)
    if code is None:
        return None
    return db.session.scalar(
        select(Certificate).options(joinedload(Certificate.user)).where(Certificate.code == code)
    )


def status(certificate: Certificate, on: date | None = None) -> str:
    if certificate.revoked_at is not None:
        return REVOKED
    if certificate.expires_on is not None and certificate.expires_on < (on or today()):
        return EXPIRED
    return VALID


def expiring_soon(certificate: Certificate, on: date | None = None) -> bool:
    """Valid now but running out within ``LMS_EXPIRY_WARNING_DAYS``."""
    on = on or today()
    days = current_app.config.get("LMS_EXPIRY_WARNING_DAYS", 60)
    return (
        status(certificate, on) == VALID
        and certificate.expires_on is not None
        and certificate.expires_on <= on + timedelta(days=days)
    )


def may_download(user, certificate: Certificate) -> bool:
    """The owner, a centre admin of the owner's current centre, and site admins."""
    if user.has_role(Role.site_admin) or certificate.user_id == user.id:
        return True
    return (
        user.has_role(Role.centre_admin)
        and user.centre_id is not None
        and certificate.user.centre_id == user.centre_id
    )


def verification_url(certificate: Certificate) -> str:
    """The public verification page's absolute URL (QR code, PDF, signed JSON), built from
    ``LMS_BASE_URL`` (:func:`lms.urls.absolute_url`), never from the request."""
    return absolute_url("certificates.verify", code=codes.display(certificate.code))


def revoke(certificate: Certificate, admin: User, reason: str) -> bool:
    """Revoke once, audited with the reason, and tell the other plugins
    (``certificate_revoked``, in this transaction); False when someone already did (their
    reason stays)."""
    now = utcnow()
    result = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=admin.id, revoke_reason=reason)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    records.touched(db.session, Certificate.__tablename__, [certificate.user_id])
    audit.record(
        "certificate.revoked",
        actor=admin,
        subject=certificate.user_id,
        certificate_id=certificate.id,
        code=certificate.code,
        reason=reason,
    )
    events.emit(
        events.certificate_revoked,
        events.CertificateRevoked(
            user_id=certificate.user_id,
            course_id=certificate.course_id,
            version_id=certificate.version_id,
            certificate_id=certificate.id,
            completion_id=certificate.completion_id,
            enrolment_id=certificate.enrolment_id,
            code=certificate.code,
            at=now,
        ),
    )
    db.session.commit()
    db.session.refresh(certificate)
    return True


def for_user(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


@dataclass(frozen=True)
class Row:
    """A certificate with what a list shows about it today."""

    certificate: Certificate
    status: str
    expiring_soon: bool
    current: bool  # False once a newer certificate of the same course replaced it


def rows(certificates: list[Certificate]) -> list[Row]:
    on, seen, result = today(), set(), []
    for cert in certificates:  # newest first
        key = (cert.user_id, cert.course_id)
        current = key not in seen
        seen.add(key)
        soon = current and expiring_soon(cert, on)
        result.append(Row(cert, status(cert, on), soon, current))
    return result


def titles_in(version_ids: set[int], language: str) -> dict[int, str]:
    """version id -> the course title in ``language`` (the original where the course has
    no such translation), in one query. A certificate keeps the title in the language it
    was issued in; pages in another language show the course's own title in theirs."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        select(CourseVersion.id, CourseVersion.title, CourseVersion.translations).where(
            CourseVersion.id.in_(version_ids)
        )
    )
    return {
        vid: (translations or {}).get(language, {}).get("title") or title
        for vid, title, translations in rows
    }
