"""The certificate record.

A certificate is a training record an inspector may ask for years later, so it keeps
SNAPSHOT copies of everything it states (name, profession, centre, course title, version,
content hash, dates, score): renaming a user or publishing a new course version must not
change what an issued certificate says. Rows are never deleted; revocation only fills the
``revoked_*`` columns, once. The one planned change: when an account is anonymised at the
end of the retention period, ``name`` becomes the anonymised name (the record stays).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import User, utcnow


class Certificate(db.Model):
    __tablename__ = "certificates_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 28 Crockford base32 characters (140 random bits), stored without the hyphens.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("content_course.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("content_version.id"), index=True)
    # Ids of the enrolment plugin's rows: plain integers, no foreign key across plugins.
    enrolment_id: Mapped[int]
    # One certificate per completion, held by the database, not only by the code.
    completion_id: Mapped[int] = mapped_column(unique=True)

    name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(20))
    centre_name: Mapped[str | None] = mapped_column(String(200))
    course_slug: Mapped[str] = mapped_column(String(100))
    course_title: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime]
    # The completion date in the platform's time zone, fixed at issue so it never shifts.
    completed_on: Mapped[date] = mapped_column(Date)
    score_percent: Mapped[float | None] = mapped_column(Float)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(5))

    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Credential(db.Model):
    """A certificate's Open Badges credential: its bit on a revocation list, given at issue
    and never changed, and the signed document exactly as served. ``document`` stays empty
    when the platform had no ``LMS_BASE_URL`` at issue (the credential is then built on
    request, the same way) and is emptied when the holder is anonymised."""

    __tablename__ = "certificates_credential"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates_certificate.id"), unique=True
    )
    # Bitstring Status List: list number (served at /certificates/status/<n>) and bit.
    status_list: Mapped[int]
    status_index: Mapped[int]
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)
    document: Mapped[str | None] = mapped_column(Text)

    certificate: Mapped[Certificate] = relationship()
