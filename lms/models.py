"""Core models: the people, their centres, who belongs where, and the audit trail. Plugins own
the rest."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, func, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.clock import utcnow
from lms.extensions import db
from lms.text import one_line


class Profession(enum.StrEnum):
    nurse = "nurse"
    pharmacist = "pharmacist"
    researcher = "researcher"
    physician = "physician"
    assistant_nurse = "assistant_nurse"  # undersköterska
    biomedical_scientist = "biomedical_scientist"  # biomedicinsk analytiker (20 characters)
    pharmacy_technician = "pharmacy_technician"  # apotekstekniker
    prescriptionist = "prescriptionist"  # receptarie
    other = "other"


class Role(enum.StrEnum):
    learner = "learner"
    educator = "educator"
    centre_admin = "centre_admin"
    site_admin = "site_admin"


def role_values(roles) -> list[str]:
    """The roles beyond learner as their stored values, in the enum's order (lowest
    first): how role sets are written to the audit trail and to events."""
    held = {Role(r) for r in roles}
    return [r.value for r in Role if r in held and r != Role.learner]


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
    # The person's *confirmed* centre (None: none). Written only by lms.membership, which
    # keeps it equal to the one confirmed CentreMembership; everything else reads it.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    # The person's unit or ward at their centre ("Hematologi", "Sjukhusapoteket"): set by the
    # centre (an admin, an import, an identity provider), see lms.people.
    unit: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    # When the person proved they read mail at ``email`` (a link we sent was used); only a
    # proven address counts for a centre's e-mail domains.
    email_verified_at: Mapped[datetime | None]
    locale: Mapped[str | None] = mapped_column(String(5))
    # Bumped on logout, password change and deactivation: every older session is refused.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # Set when the personal data is replaced; the training records stay for the statistics.
    anonymised_at: Mapped[datetime | None]

    centre: Mapped[Centre | None] = relationship(lazy="joined")
    # The person's roles beyond learner (everyone is a learner): see :class:`UserRole`.
    # Read when asked (a certificate's holder, a report's rows need no roles): the session's
    # user loads them with the person (lms.security.load_user), lists that show them ask
    # for them with ``selectinload(User.role_rows)``.
    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="select",
        foreign_keys="UserRole.user_id",
        cascade="all, delete-orphan",
        order_by="UserRole.role",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> frozenset[Role]:
        """Every role the person holds; always includes :attr:`Role.learner`."""
        return frozenset((Role.learner, *(row.role for row in self.role_rows)))

    def has_role(self, *roles: Role) -> bool:
        """True when the person holds any of ``roles`` (``has_role(Role.learner)`` is
        always True). Each role gives its own pages; none implies another's."""
        return not self.roles.isdisjoint(roles)

    def grant(self, *roles: Role, by: User | None = None) -> None:
        """Add roles the person lacks (no commit, no audit: see
        :func:`lms.auth.services.set_roles` for an admin's change). Learner needs no row."""
        held = self.roles
        for role in roles:
            if role not in held and role != Role.learner:
                self.role_rows.append(UserRole(role=role, granted_by_id=by.id if by else None))
                held = held | {role}

    @validates("name")
    def _one_line_name(self, _key: str, value: str) -> str:
        """A name is one line of printable text in NFC, whichever path writes it (a form,
        an import, a command, a plugin): see :func:`lms.text.one_line`."""
        return one_line(value)


class UserRole(db.Model):
    """One row per role a person holds beyond learner (a person may hold several: an
    educator who is also their centre's admin). Each role gives its own pages: a centre
    admin's are limited to their own centre whatever else they hold."""

    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, native_enum=False, length=20, validate_strings=True), primary_key=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


def holds_role(*roles: Role):
    """SQL: the ``User`` row's person holds any of ``roles`` (an EXISTS on user_role; for
    ``.where()``). Not for :attr:`Role.learner`, which has no rows."""
    return (
        select(UserRole.user_id)
        .where(UserRole.user_id == User.id, UserRole.role.in_(roles))
        .exists()
    )


# A second guard behind the normalising code: no two accounts differ only in letter case.
Index("uq_user_account_email_lower", func.lower(User.email), unique=True)
# A centre's people in name order: the centre's people list pages through it (reports).
Index("ix_user_account_centre_name", User.centre_id, User.name, User.id)


class MembershipStatus(enum.StrEnum):
    requested = "requested"  # the person asked; the centre decides
    confirmed = "confirmed"  # the person's current centre
    declined = "declined"  # the centre said no
    cancelled = "cancelled"  # the person withdrew the request (or made another)
    ended = "ended"  # was confirmed; moved to another centre or removed


class MembershipSource(enum.StrEnum):
    """How a membership row came about (who started it)."""

    registration = "registration"  # asked for at registration
    request = "request"  # asked for later, from the profile
    admin = "admin"  # placed by a centre or site admin
    import_ = "import"  # placed by a centre admin's CSV import (invitations)
    identity_provider = "identity_provider"  # asserted by a trusted identity provider
    migration = "migration"  # the centre people had before memberships were recorded


class CentreMembership(db.Model):
    """One row per request or period of membership of a person at a centre; never deleted.

    At most one open request and at most one confirmed (current) membership per person,
    held by partial unique indexes (SQLite and PostgreSQL), not only by code. The confirmed
    row's centre is copied to ``User.centre_id``. See :mod:`lms.membership`.
    """

    __tablename__ = "centre_membership"
    __table_args__ = (
        Index(
            "ix_centre_membership_one_request",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'requested'"),
            postgresql_where=text("status = 'requested'"),
        ),
        Index(
            "ix_centre_membership_one_current",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
        Index("ix_centre_membership_centre", "centre_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    status: Mapped[MembershipStatus] = mapped_column(
        db.Enum(MembershipStatus, native_enum=False, length=20, validate_strings=True)
    )
    source: Mapped[MembershipSource] = mapped_column(
        db.Enum(
            MembershipSource,
            native_enum=False,
            length=20,
            validate_strings=True,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The person for a request; the admin for a placement; None for a rule or a command.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # admin, email_domain, identity_provider, import or migration: what confirmed/declined it.
    decided_via: Mapped[str | None] = mapped_column(String(20))
    # What an admin typed when acting on the person's record (confirm, decline, place).
    reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))  # None: removed
    end_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    centre: Mapped[Centre] = relationship(foreign_keys=[centre_id])
    moved_to: Mapped[Centre | None] = relationship(foreign_keys=[moved_to_id])


class CentreEmailDomain(db.Model):
    """An e-mail domain whose *proven* addresses are confirmed at once into the centre."""

    __tablename__ = "centre_email_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)  # lower case, no "@"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    centre: Mapped[Centre] = relationship()


class AuditEvent(db.Model):
    """Who did what, when: logins, failures, role changes. Never updated or deleted: the
    database refuses both (triggers made by migration 0016_records)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
