"""The records plugin's tables: signatures (and, below, outside training)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models import utcnow


class Signature(db.Model):
    """A learner's signed acknowledgement of one course version ("I have read and
    understood …"). Never changed or deleted. It belongs to the completion with the same
    (enrolment_id, version_id, cycle): the enrolment plugin's ids, kept here without a
    foreign key since plugins do not share tables. ``signed_at`` is naive UTC;
    ``meaning`` the exact sentence the learner saw; ``method``: how they re-authenticated
    (``password``)."""

    __tablename__ = "records_signature"
    __table_args__ = (UniqueConstraint("enrolment_id", "version_id", "cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"))
    enrolment_id: Mapped[int]
    cycle: Mapped[int]
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    meaning: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))


class ExternalTraining(db.Model):
    """Training done elsewhere, recorded for a person by a centre admin: counts as a course
    (``course_id``) or is described in ``title``. The evidence file (PDF, PNG or JPEG) is
    stored with its SHA-256. Never changed or deleted; dates are Stockholm dates."""

    __tablename__ = "records_external_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("content_course.id"))
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(300))
    completed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    evidence_name: Mapped[str] = mapped_column(String(200))
    evidence_type: Mapped[str] = mapped_column(String(40))
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
