"""Training done elsewhere: a centre admin records it for one of their centre's people,
with an evidence file (PDF, PNG or JPEG, judged by its first bytes, never by its name)
stored with its SHA-256. One transaction with its audit event; never changed afterwards.

Rules: EU GMP Chapter 2 §2.11 (training records kept for all personnel), Annex 11 §9
(the change is audited with the actor's reason).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms import audit, clock
from lms.content.models import Course
from lms.extensions import db
from lms.models import Role, User
from lms.plugins.records.models import ExternalTraining

# The first bytes of each accepted type (PDF 1.x/2.0, PNG, JPEG).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


class Refused(Exception):
    """Raised with a message for the admin (translated); nothing is stored."""


@dataclass(frozen=True)
class Evidence:
    data: bytes
    name: str


def evidence_type(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of a PDF, PNG or JPEG, else None."""
    for magic, mime, extension in SIGNATURES:
        if data.startswith(magic):
            return mime, extension
    return None


def may_record(actor: User, person: User) -> bool:
    """A centre admin for their own centre's people; a site admin for anyone."""
    if actor.has_role(Role.site_admin):
        return True
    return (
        actor.has_role(Role.centre_admin)
        and actor.centre_id is not None
        and person.centre_id == actor.centre_id
    )


def may_see(viewer: User, row: ExternalTraining) -> bool:
    """As a certificate's PDF: the person, a centre admin of their current centre, site
    admins."""
    if viewer.has_role(Role.site_admin) or viewer.id == row.user_id:
        return True
    person = db.session.get(User, row.user_id)
    return (
        viewer.has_role(Role.centre_admin)
        and viewer.centre_id is not None
        and person is not None
        and person.centre_id == viewer.centre_id
    )


def record(
    actor: User,
    person: User,
    *,
    course: Course | None,
    title: str | None,
    provider: str | None,
    completed_on: date,
    valid_until: date | None,
    evidence: Evidence,
    reason: str,
) -> ExternalTraining:
    """Store the record and its audit event (commits). Raises PermissionError when the
    actor may not record for the person, Refused for bad input."""
    if not may_record(actor, person):
        raise PermissionError
    if course is None and not (title or "").strip():
        raise Refused(_("Choose the course it counts as, or describe the training."))
    if completed_on > clock.local_today():
        raise Refused(_("The training cannot be completed in the future."))
    if valid_until is not None and valid_until < completed_on:
        raise Refused(_("“Valid until” is before the date it was completed."))
    limit = current_app.config["LMS_RECORDS_EVIDENCE_MAX_BYTES"]
    if not evidence.data:
        raise Refused(_("The evidence file is empty."))
    if len(evidence.data) > limit:
        raise Refused(_("The evidence file is too large (at most %(mb)d MB).", mb=limit // 2**20))
    kind = evidence_type(evidence.data)
    if kind is None:
        raise Refused(_("The evidence must be a PDF file or a picture (PNG or JPEG)."))
    mime, extension = kind
    digest = hashlib.sha256(evidence.data).hexdigest()
    shown_title = (title or "").strip() or (
        course.published_version.title if course and course.published_version else course.slug
    )
    row = ExternalTraining(
        user_id=person.id,
        centre_id=person.centre_id,
        course_id=course.id if course else None,
        title=shown_title,
        provider=(provider or "").strip() or None,
        completed_on=completed_on,
        valid_until=valid_until,
        evidence_name=f"evidence-{digest[:12]}.{extension}",
        evidence_type=mime,
        evidence_sha256=digest,
        evidence=evidence.data,
        reason=reason,
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    audit.record(
        "records.external_recorded",
        actor=actor,
        subject=person,
        course=course.slug if course else None,
        title=shown_title,
        completed_on=completed_on.isoformat(),
        valid_until=valid_until.isoformat() if valid_until else None,
        evidence_sha256=digest,
        reason=reason,
    )
    db.session.commit()
    return row


def of_people(user_ids, course_id: int | None = None, since: date | None = None):
    statement = select(ExternalTraining).where(ExternalTraining.user_id.in_(list(user_ids) or [0]))
    if course_id is not None:
        statement = statement.where(ExternalTraining.course_id == course_id)
    if since is not None:
        statement = statement.where(ExternalTraining.completed_on >= since)
    return list(db.session.scalars(statement.order_by(ExternalTraining.id)))


def of_centre(centre_id: int) -> list[ExternalTraining]:
    people = select(User.id).where(User.centre_id == centre_id)
    return list(
        db.session.scalars(
            select(ExternalTraining)
            .where(ExternalTraining.user_id.in_(people))
            .order_by(ExternalTraining.completed_on.desc(), ExternalTraining.id.desc())
        )
    )


def evidence_bytes(row: ExternalTraining) -> bytes:
    """The evidence as stored (a deferred column: read only when served)."""
    return db.session.scalar(select(ExternalTraining.evidence).where(ExternalTraining.id == row.id))


def on_personal_data(sender, payload, **_extra):
    """``personal_data`` receiver: the person's outside training (the evidence by hash; the
    file itself is at its link for them)."""
    return "training_done_elsewhere", [
        {
            "title": row.title,
            "provider": row.provider,
            "completed_on": row.completed_on.isoformat(),
            "valid_until": row.valid_until.isoformat() if row.valid_until else None,
            "evidence_sha256": row.evidence_sha256,
            "recorded_at": row.recorded_at.isoformat() + "Z",
        }
        for row in of_people([payload.user_id])
    ]
