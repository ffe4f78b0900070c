"""From what an identity provider asserts to an account here.

The one place the plugin writes a person's centre and profession is
:func:`apply_asserted_centre`; everything else here decides *which* account: an identity
already linked, a new account made just in time, or an existing local account, which is
linked only once the person has proved its password (no silent takeover by e-mail).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, events, people
from lms.auth import services as auth_services
from lms.extensions import db
from lms.membership import services as membership
from lms.models import Centre, MembershipSource, Profession, User, role_values, utcnow
from lms.plugins.sso.models import Identity
from lms.plugins.sso.providers import Provider


class SsoError(Exception):
    """A sign-in that cannot go on; ``message`` is for the person, in plain words."""

    def __init__(self, message, *, reason: str = "refused"):
        super().__init__(str(reason))
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Asserted:
    """What one sign-in at a provider says about the person (already verified)."""

    provider: str
    subject: str
    email: str | None
    name: str | None
    centre: str | None = None  # the asserted value, before mapping
    profession: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _first(value) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def asserted_from(provider: Provider, claims: Mapping, *, subject: str | None = None) -> Asserted:
    """Map claims (OIDC) or attributes (SAML; values may be lists) through the provider's
    attribute map. ``subject`` overrides the mapped subject (the SAML NameID).

    Raises :class:`SsoError` when the subject is missing.
    """
    amap = provider.attributes
    subject = subject if amap.subject == "nameid" else _first(claims.get(amap.subject))
    if not subject:
        raise SsoError(
            _l("The identity provider did not say who you are. Ask your IT support."),
            reason="no subject",
        )
    name = _first(claims.get(amap.name))
    if not name and (amap.given_name or amap.family_name):
        parts = [_first(claims.get(key)) for key in (amap.given_name, amap.family_name) if key]
        name = " ".join(part for part in parts if part) or None
    email = _first(claims.get(amap.email))
    return Asserted(
        provider=provider.slug,
        subject=subject[:255],
        email=auth_services.normalise_email(email)[:254] if email else None,
        name=name[:200] if name else None,
        centre=_first(claims.get(amap.centre)) if amap.centre else None,
        profession=_first(claims.get(amap.profession)) if amap.profession else None,
    )


def _mapped(provider: Provider, asserted: Asserted) -> tuple[Centre | None, Profession | None]:
    centre = None
    if provider.trust_centre and asserted.centre:
        slug = provider.attributes.centres.get(asserted.centre)
        if slug:
            centre = db.session.scalar(select(Centre).where(Centre.slug == slug))
    profession = None
    if asserted.profession:
        profession = provider.attributes.professions.get(asserted.profession)
    return centre, profession


def apply_asserted_centre(
    user: User, centre: Centre | None, profession: Profession | None, provider: Provider
) -> None:
    """Apply the centre and profession a trusted provider asserts, and audit the change.

    The one function through which this plugin changes a person's centre and profession.
    The centre goes through the core's membership service (:func:`lms.membership.services.place`
    with source ``identity_provider``): a trusted identity provider's assertion confirms the
    membership at once, ends the previous one ("moved to X") and sends ``membership_changed``;
    a request the person had made for another centre is withdrawn. ``user`` must have an id
    (flushed). ``None`` leaves a value as it is. Adds to the caller's transaction; the caller
    commits.
    """
    via = f"sso:{provider.slug}"
    if centre is not None and user.centre_id != centre.id:
        reason = f"asserted by the identity provider {provider.slug}"
        membership.place(
            user,
            centre,
            actor=None,
            reason=reason,
            via=via,
            source=MembershipSource.identity_provider,
        )
    if profession is not None:
        people.update(user, profession=profession, actor=None, via=via)


def _identity(provider: str, subject: str) -> Identity | None:
    return db.session.scalar(
        select(Identity).where(Identity.provider == provider, Identity.subject == subject)
    )


def _refresh(user: User, identity: Identity, provider: Provider, asserted: Asserted) -> None:
    """What the provider asserts wins over what the person typed."""
    centre, profession = _mapped(provider, asserted)
    apply_asserted_centre(user, centre, profession, provider)
    if asserted.name and user.name != asserted.name:
        user.name = asserted.name
    identity.last_login_at = utcnow()
    if asserted.email:
        identity.email = asserted.email


def link(user: User, provider: Provider, asserted: Asserted, *, how: str) -> Identity:
    """Link the asserted identity to ``user`` and apply what it asserts. Commits.

    Raises :class:`SsoError` when that identity belongs to someone else already.
    """
    existing = _identity(provider.slug, asserted.subject)
    if existing is not None and existing.user_id != user.id:
        raise SsoError(
            _l("This sign-in is already linked to another account."), reason="linked elsewhere"
        )
    identity = existing or Identity(
        user_id=user.id, provider=provider.slug, subject=asserted.subject
    )
    db.session.add(identity)
    _refresh(user, identity, provider, asserted)
    if existing is None:
        audit.record(
            "sso.identity_linked", actor=user, subject=user, provider=provider.slug, how=how
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SsoError(
            _l("This sign-in is already linked to another account."), reason="linked elsewhere"
        ) from None
    return identity


def _create(provider: Provider, asserted: Asserted) -> User:
    """A new account made just in time, linked to the identity, in one transaction."""
    centre, profession = _mapped(provider, asserted)
    user = User(
        email=asserted.email,
        name=asserted.name or asserted.email,
        password_hash=None,
        profession=Profession.other,
        centre_id=None,
    )
    db.session.add(user)
    try:
        db.session.flush()
        apply_asserted_centre(user, centre, profession, provider)
        identity = Identity(user_id=user.id, provider=provider.slug, subject=asserted.subject)
        identity.last_login_at = utcnow()
        identity.email = asserted.email
        db.session.add(identity)
        audit.record("user.registered", actor=user, subject=user, roles=role_values(user.roles),
                     source=f"sso:{provider.slug}")  # fmt: skip
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SsoError(
            _l("Your account could not be created. Try again."), reason="create raced"
        ) from None
    events.emit(
        events.user_registered,
        events.UserRegistered(user_id=user.id, centre_id=user.centre_id, at=user.created_at),
    )
    return user


@dataclass(frozen=True)
class Outcome:
    """``user`` to log in, or ``link_to`` an existing account whose password must be proved."""

    user: User | None = None
    link_to: User | None = None


def resolve(provider: Provider, asserted: Asserted, *, current: User | None = None) -> Outcome:
    """Decide which account this sign-in is. Commits what it changes.

    ``current`` is the person already logged in who asked to link another identity.
    Raises :class:`SsoError` (nothing stored) for a deactivated account, an identity linked
    to someone else, or an assertion without an e-mail address for a new account.
    """
    identity = _identity(provider.slug, asserted.subject)
    if current is not None:
        link(current, provider, asserted, how="logged in")
        return Outcome(user=current)
    if identity is not None:
        user = identity.user
        if not user.active:
            raise SsoError(_l("This account is deactivated."), reason="inactive")
        _refresh(user, identity, provider, asserted)
        db.session.commit()
        return Outcome(user=user)
    if not asserted.email:
        raise SsoError(
            _l("The identity provider did not give your e-mail address. Ask your IT support."),
            reason="no email",
        )
    existing = auth_services.find_user_by_email(asserted.email)
    if existing is not None:
        if not existing.active:
            raise SsoError(_l("This account is deactivated."), reason="inactive")
        return Outcome(link_to=existing)
    return Outcome(user=_create(provider, asserted))


def remove_identity(identity: Identity, *, actor: User) -> None:
    """Unlink an identity (a site admin's decision); the audit trail keeps who and when."""
    audit.record(
        "sso.identity_removed",
        actor=actor,
        subject=identity.user_id,
        provider=identity.provider,
        identity_subject=identity.subject,
    )
    db.session.delete(identity)
    db.session.commit()
