"""A centre's e-mail domains, and proving an address before a domain counts.

A centre may list e-mail domains (a region's staff domain) whose addresses join it at once.
Typing an address proves nothing: local registration does not check that the person reads
mail there, and anyone may type ``x@region.se``. So a domain counts only for a *proven*
address (``User.email_verified_at``): the person followed a link we mailed to it, through
the confirmation mail sent when they ask to join such a centre, a password reset, or an
invitation (which ends in a reset). Until then the request waits for the centre's admin
like any other. Domains match exactly (``region.se`` does not cover ``lab.region.se``).
"""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, mail
from lms.clock import utcnow
from lms.extensions import db
from lms.models import Centre, CentreEmailDomain, User
from lms.urls import absolute_url

SALT = "lms.email-verification"
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class DomainError(Exception):
    """Why a domain cannot be added; ``code``: invalid or taken."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_domain(value: str) -> str | None:
    """``"@Region.SE "`` -> ``"region.se"``; None when it is not a domain name (IDNs are
    written in their ASCII form, ``xn--...``)."""
    domain = value.strip().lower().lstrip("@").rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return domain if DOMAIN_RE.match(domain) else None


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def centre_for(email: str) -> int | None:
    """The centre whose domains include the address's domain, or None."""
    return db.session.scalar(
        select(CentreEmailDomain.centre_id).where(CentreEmailDomain.domain == domain_of(email))
    )


def confirms(user: User, centre_id: int) -> bool:
    """Whether the domain rule confirms ``user`` into ``centre_id`` now: their address is
    proven and its domain is one of the centre's."""
    return user.email_verified_at is not None and centre_for(user.email) == centre_id


def domains(centre_id: int) -> list[CentreEmailDomain]:
    return list(
        db.session.scalars(
            select(CentreEmailDomain)
            .where(CentreEmailDomain.centre_id == centre_id)
            .order_by(CentreEmailDomain.domain)
        )
    )


def add(centre: Centre, value: str, *, actor: User) -> CentreEmailDomain:
    """Add a domain to ``centre`` (a site admin's act; commits). Raises DomainError."""
    domain = normalise_domain(value)
    if domain is None:
        raise DomainError("invalid")
    row = CentreEmailDomain(centre_id=centre.id, domain=domain, created_by_id=actor.id)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DomainError("taken") from exc
    audit.record("centre.domain_added", actor=actor, centre=centre.slug, domain=domain)
    db.session.commit()
    return row


def remove(row: CentreEmailDomain, *, actor: User) -> None:
    """Remove a domain (commits). People it confirmed stay members; the row goes, the
    audit trail keeps who added and removed it."""
    audit.record("centre.domain_removed", actor=actor, centre=row.centre.slug, domain=row.domain)
    db.session.delete(row)
    db.session.commit()


# Proving an address -----------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "e": user.email.lower()})


def user_for_token(token: str) -> User | None:
    """The active person a verification token was made for, while their address is still
    the one it was sent to and within ``LMS_EMAIL_VERIFY_DAYS``; else None."""
    max_age = int(current_app.config["LMS_EMAIL_VERIFY_DAYS"]) * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or user.email.lower() != data.get("e"):
        return None
    return user


def queue_verification(user: User, centre: Centre) -> None:
    """Queue the mail with a link that proves the address (in the caller's transaction)."""
    link = absolute_url("membership.verify_email", token=make_token(user))
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Confirm your e-mail address for ATMP Learn")
        body = _(
            "Hello %(name)s,\n\nYou asked to join %(centre)s on ATMP Learn. Addresses like "
            "yours join it at once when you confirm that this address is yours: open this "
            "link within %(days)s and press the button.\n\n%(link)s\n\n"
            "If it was not you, ignore this message.",
            name=user.name,
            centre=centre.label,
            days=ngettext(
                "%(num)d day", "%(num)d days", int(current_app.config["LMS_EMAIL_VERIFY_DAYS"])
            ),
            link=link,
        )
    mail.enqueue(user.email, subject, body, locale=user.locale)
    audit.record("email.verification_sent", actor=user, subject=user, centre=centre.slug)


def mark_proven(user: User) -> bool:
    """The person used a link we mailed to their address (verification, reset, invitation):
    record it and, when a request waits for the centre of that domain, confirm it. Does not
    commit. Returns True when a membership was confirmed."""
    from lms.membership import services

    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        audit.record("email.verified", actor=user, subject=user)
    waiting = services.open_request(user.id)
    if waiting is None or not confirms(user, waiting.centre_id):
        return False
    services.confirm_by_rule(user, waiting, via="email_domain")
    return True
