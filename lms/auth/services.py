"""Account logic and writes: registration, login, sessions, passwords, roles.

Views stay thin and call these. Every write commits once, so a failure leaves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import audit, events, mail, people
from lms.auth.passwords import hash_password, needs_rehash, verify_password
from lms.extensions import db
from lms.membership import domains
from lms.membership import services as membership
from lms.models import (
    AuditEvent,
    Centre,
    CentreMembership,
    MembershipSource,
    Profession,
    Role,
    User,
    role_values,
    utcnow,
)
from lms.urls import absolute_url

RESET_SALT = "lms.password-reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


class EmailTaken(Exception):
    pass


def register_user(
    *,
    email: str,
    name: str,
    password: str | None,
    centre_id: int | None,
    profession: Profession,
    roles: Iterable[Role] = (),
    locale: str | None = None,
    confirm_centre: bool = False,
) -> User:
    """Store a new account and log it in nowhere; commits once. ``centre_id`` is the centre
    the person *asks* to join (the centre's admin decides, see :mod:`lms.membership`),
    unless ``confirm_centre`` is set by a trusted caller (``flask lms create-admin``, demo
    data), which places them there at once. ``roles``: what the person holds beyond learner
    (everyone is a learner). Raises EmailTaken (nothing stored)."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        centre_id=None,
        profession=profession,
        locale=locale,
    )
    user.grant(*roles)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise EmailTaken(email) from exc
    audit.record("user.registered", actor=user, subject=user, roles=role_values(user.roles))
    centre = db.session.get(Centre, centre_id) if centre_id is not None else None
    if centre is not None and confirm_centre:
        membership.place(user, centre, actor=None, reason=None, via="admin")
    elif centre is not None and membership.may_ask(user):
        membership.ask(user, centre, source=MembershipSource.registration)
        if domains.centre_for(user.email) == centre.id:
            domains.queue_verification(user, centre)
    db.session.commit()
    events.emit(
        events.user_registered,
        events.UserRegistered(user_id=user.id, centre_id=user.centre_id, at=user.created_at),
    )
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Failures are audited."""
    user = find_user_by_email(email)
    stored_hash = user.password_hash if user else None
    # argon2 is slow on purpose: end the transaction first, so the check never holds the
    # database (on SQLite a login POST holds the one write lock; 200 logins at once queued
    # behind each other's hashing past the busy timeout: "database is locked").
    db.session.commit()
    ok = verify_password(stored_hash, password)
    if not ok or user is None or not user.active:
        audit.record(
            "login.failed",
            subject=user,
            email=normalise_email(email)[:254],
            reason="inactive" if ok and user is not None else "credentials",
        )
        db.session.commit()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def password_login_allowed(user: User) -> bool:
    """Whether this person may log in with a password (a plugin may refuse, e.g. for a
    centre that signs in through its identity provider only). Refusals are audited."""
    answers = events.emit(
        events.password_login_allowed,
        events.PasswordLogin(
            user_id=user.id, centre_id=user.centre_id, roles=tuple(role_values(user.roles))
        ),
    )
    if any(answer is False for answer in answers):
        audit.record("login.failed", subject=user, email=user.email, reason="password off")
        db.session.commit()
        return False
    return True


def start_session(user: User, *, remember: bool = False) -> None:
    user.last_login_at = utcnow()
    audit.record("login.succeeded", actor=user, subject=user)
    db.session.commit()
    login_user(user, remember=remember)


def end_session(user: User) -> None:
    """Log out everywhere this session's cookie was copied to: old cookies stop working."""
    user.session_version += 1
    audit.record("logout", actor=user, subject=user)
    db.session.commit()
    logout_user()


def change_password(user: User, new_password: str, *, actor: User | None = None) -> None:
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record("password.changed", actor=actor or user, subject=user)
    db.session.commit()


def set_roles(user: User, roles: Iterable[Role], *, actor: User, reason: str | None = None) -> None:
    """A site admin sets the person's roles to exactly ``roles`` (learner is implied and
    never stored); commits. Audited as ``role.changed`` with the old and new role lists
    (sorted values, learner left out) and the reason. Nothing happens when the set is
    unchanged. The person's sessions end, so a lost role takes effect at once.
    Callers check who may change whom (a site admin keeps their own site admin role:
    :mod:`lms.auth.admin`)."""
    new = frozenset(roles) | {Role.learner}
    old = user.roles
    if old == new:
        return
    for row in list(user.role_rows):
        if row.role not in new:
            user.role_rows.remove(row)
    user.grant(*(r for r in sorted(new, key=list(Role).index) if r not in old), by=actor)
    user.session_version += 1
    audit.record(
        "role.changed",
        actor=actor,
        subject=user,
        old=role_values(old),
        new=role_values(new),
        reason=reason,
    )
    db.session.commit()


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    if user.active == active:
        return
    if active and user.anonymised_at is not None:
        raise ValueError("an anonymised account cannot be reactivated")
    user.active = active
    user.deactivated_at = None if active else utcnow()
    user.session_version += 1
    audit.record("user.activated" if active else "user.deactivated", actor=actor, subject=user)
    db.session.commit()


def anonymisable_from(user: User) -> datetime | None:
    """When the person's data may be replaced, or None while the account is active."""
    if user.active or user.deactivated_at is None or user.anonymised_at is not None:
        return None
    return user.deactivated_at + timedelta(days=current_app.config["LMS_RETENTION_DAYS"])


def may_anonymise_now(user: User) -> bool:
    """True when :func:`anonymise` would not refuse: deactivated, not yet anonymised, and
    the retention period (``LMS_RETENTION_DAYS`` after deactivation) is over."""
    due = anonymisable_from(user)
    return due is not None and utcnow() >= due


class NotYetAnonymisable(Exception):
    pass


def anonymise(user: User, *, actor: User) -> None:
    """Replace name and e-mail after the retention period; keep every training record.

    Centre and profession stay, so the centres' statistics stay right; plugins replace the
    copies they hold (certificates) when they receive ``user_anonymised``.
    """
    due = anonymisable_from(user)
    if due is None or utcnow() < due:
        raise NotYetAnonymisable(due)
    user.name = f"Anonymised person {user.id}"
    user.email = f"anonymised-{user.id}@anonymised.invalid"
    user.password_hash = None
    user.locale = None
    user.anonymised_at = utcnow()
    user.session_version += 1
    audit.record("user.anonymised", actor=actor, subject=user)
    db.session.commit()
    events.emit(
        events.user_anonymised, events.UserAnonymised(user_id=user.id, at=user.anonymised_at)
    )


def personal_data(user: User) -> dict:
    """Everything we hold about a person, for them to download (GDPR art. 15)."""
    audit_rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == user.id).order_by(AuditEvent.id)
    )
    data = {
        "account": {
            "name": user.name,
            "email": user.email,
            "profession": user.profession.value,
            "roles": [role.value for role in sorted(user.roles, key=list(Role).index)],
            "centre": user.centre.label if user.centre else None,
            "language": user.locale,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "centre_memberships": [
            {
                "centre": row.centre.label,
                "status": row.status.value,
                "requested_at": row.requested_at.isoformat(),
                "decided_at": row.decided_at.isoformat() if row.decided_at else None,
                "ended_at": row.ended_at.isoformat() if row.ended_at else None,
                "moved_to": row.moved_to.label if row.moved_to else None,
            }
            for row in db.session.scalars(
                select(CentreMembership)
                .where(CentreMembership.user_id == user.id)
                .order_by(CentreMembership.id)
            )
        ],
        "security_log": [
            {"at": row.at.isoformat(), "action": row.action, "ip": row.ip} for row in audit_rows
        ],
    }
    for section, value in events.emit(
        events.personal_data, events.PersonalDataRequest(user_id=user.id)
    ):
        data[section] = value
    audit.record("personal_data.downloaded", actor=user, subject=user)
    db.session.commit()
    return data


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def update_profile(user: User, *, name: str, profession=None) -> None:
    """The person edits their own name and, while they have no confirmed centre, their
    profession (``None`` leaves it: a confirmed member's is the centre's, see
    :mod:`lms.people`). Audited with old -> new; commits."""
    name = name.strip()
    if user.name != name:
        old = user.name
        user.name = name
        audit.record("profile.updated", actor=user, subject=user, name={"old": old, "new": name})
    if profession is not None and people.may_edit_own(user):
        people.update(user, profession=profession, actor=user, via="profile")
    db.session.commit()


# Password reset ---------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    # Changes when the password changes, so a token works once only.
    return (user.password_hash or "none")[-16:] + f":{user.session_version}"


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    max_age = current_app.config["LMS_PASSWORD_RESET_HOURS"] * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user


def send_reset_mail(email: str) -> None:
    """Queue a reset link in the outbox if the account exists; say nothing either way (no
    enumeration). Both ways write one transaction and never talk SMTP, so the page takes
    about the same time for known and unknown addresses and never fails on a mail server."""
    user = find_user_by_email(email)
    known = user is not None and user.active
    # The same work either way (token, text), so the time tells nothing; only the insert
    # into the outbox differs.
    stand_in = user if known else User(id=0, name="", email="", session_version=0)
    subject, body = _reset_text(stand_in)
    if not known:
        audit.record("password.reset_requested", email=normalise_email(email)[:254], known=False)
        db.session.commit()
        return
    audit.record("password.reset_requested", subject=user, known=True)
    mail.enqueue(user.email, subject, body, locale=user.locale)
    db.session.commit()


def _reset_text(user: User) -> tuple[str, str]:
    link = absolute_url("auth.reset_password", token=make_reset_token(user))
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Reset your ATMP Learn password")
        body = _(
            "Hello %(name)s,\n\nSomeone asked to reset the password of your ATMP Learn "
            "account. Open this link within %(hours)s to choose a new password:\n\n"
            "%(link)s\n\nIf it was not you, ignore this message; your password stays as it is.",
            name=user.name,
            hours=ngettext(
                "%(num)d hour", "%(num)d hours", int(current_app.config["LMS_PASSWORD_RESET_HOURS"])
            ),
            link=link,
        )
    return subject, body


def reset_password(user: User, new_password: str) -> None:
    """Set the password from a reset (or invitation) link, which was mailed to the person's
    address: that proves the address too (see :mod:`lms.membership.domains`)."""
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record("password.reset", actor=user, subject=user)
    domains.mark_proven(user)
    db.session.commit()
