"""Core models: the people, their centres and the audit trail. Plugins own the rest."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.extensions import db
from lms.text import one_line


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Profession(enum.StrEnum):
    nurse = "nurse"
    pharmacist = "pharmacist"
    researcher = "researcher"
    physician = "physician"
    other = "other"


class Role(enum.StrEnum):
    learner = "learner"
    educator = "educator"
    centre_admin = "centre_admin"
    site_admin = "site_admin"


# The ATMP centres of the university hospitals; the first migration seeds the same list.
DEFAULT_CENTRES = (
    ("karolinska", "Karolinska Universitetssjukhuset", "Stockholm"),
    ("sahlgrenska", "Sahlgrenska Universitetssjukhuset", "Göteborg"),
    ("skane", "Skånes universitetssjukhus", "Lund/Malmö"),
    ("akademiska", "Akademiska sjukhuset", "Uppsala"),
    ("linkoping", "Universitetssjukhuset i Linköping", "Linköping"),
    ("orebro", "Universitetssjukhuset Örebro", "Örebro"),
    ("umea", "Norrlands universitetssjukhus", "Umeå"),
)


class Centre(db.Model):
    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))

    @property
    def label(self) -> str:
        return f"{self.name}, {self.city}"


def seed_centres() -> None:
    """Insert any missing default centre (idempotent)."""
    existing = set(db.session.scalars(select(Centre.slug)))
    for slug, name, city in DEFAULT_CENTRES:
        if slug not in existing:
            db.session.add(Centre(slug=slug, name=name, city=city))
    db.session.commit()


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    profession: Mapped[Profession] = mapped_column(
        db.Enum(Profession, native_enum=False, length=20, validate_strings=True)
    )
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, native_enum=False, length=20, validate_strings=True), default=Role.learner
    )
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Bumped on logout, password change and deactivation: every older session is refused.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Set when the personal data is replaced; the training records stay for the statistics.
    anonymised_at: Mapped[datetime | None]

    centre: Mapped[Centre | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @validates("name")
    def _one_line_name(self, _key: str, value: str) -> str:
        """A name is one line of printable text in NFC, whichever path writes it (a form,
        an import, a command, a plugin): see :func:`lms.text.one_line`."""
        return one_line(value)


# A second guard behind the normalising code: no two accounts differ only in letter case.
Index("uq_user_account_email_lower", func.lower(User.email), unique=True)


class AuditEvent(db.Model):
    """Who did what, when: logins, failures, role changes. Never updated or deleted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
