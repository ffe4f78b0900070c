"""The sso plugin's tables: linked identities, the per-centre policy, received assertions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import Centre, User, utcnow


class Identity(db.Model):
    """A person's account at an identity provider, linked to their account here.

    ``subject`` is the provider's stable identifier (the OIDC ``sub``, a SAML NameID or an
    HSA-id); one subject of one provider belongs to one person, and a person may have many.
    """

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class CentrePolicy(db.Model):
    """Per centre: may its people still log in with a password?"""

    __tablename__ = "sso_centre_policy"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), primary_key=True)
    sso_only: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    centre: Mapped[Centre] = relationship(lazy="joined")


class SamlAssertion(db.Model):
    """Every SAML assertion accepted at the ACS, kept so that none is accepted twice.

    The identity provider posts the response cross-site, where the session cookie
    (SameSite=Lax) is not sent: the ACS checks the response and stores what it asserts
    here under a one-time ``ticket``; the browser then comes back with its session, which
    must hold the request the response answers (``in_response_to``). ``attributes`` is
    emptied once used.
    """

    __tablename__ = "sso_saml_assertion"
    __table_args__ = (UniqueConstraint("provider", "assertion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    assertion_id: Mapped[str] = mapped_column(String(255))
    ticket: Mapped[str] = mapped_column(String(64), unique=True)
    in_response_to: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used_at: Mapped[datetime | None]
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
