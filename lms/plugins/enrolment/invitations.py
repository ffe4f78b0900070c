"""Invitations for people a centre admin imported: a link to choose their first password.

A password-reset link lasts ``LMS_PASSWORD_RESET_HOURS`` (2 hours), too short for someone
who reads their mail next week. The invitation link is our own signed token that lasts
``LMS_INVITATION_DAYS`` (14 days) and works only while the account has no password; it
then hands over to the ordinary reset page with a fresh reset token.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from lms import mail
from lms.auth.services import make_reset_token
from lms.extensions import db
from lms.models import User
from lms.plugins.enrolment.models import ACTIVE, Enrolment
from lms.urls import absolute_url

SALT = "lms.enrolment-invitation"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _days() -> int:
    return int(current_app.config.get("LMS_INVITATION_DAYS", 14))


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "s": user.session_version})


def invited_user(token: str) -> User | None:
    """The person an invitation ``token`` is for, while it works: signed by us, younger
    than ``LMS_INVITATION_DAYS``, the account active and still without a password, and
    not logged out or changed since (its session counter). None otherwise."""
    try:
        data = _serializer().loads(token, max_age=_days() * 86400)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.active or user.password_hash is not None:
        return None
    if data.get("s") != user.session_version:
        return None
    return user


def reset_link_for(token: str) -> str | None:
    user = invited_user(token)
    if user is None:
        return None
    return url_for("auth.reset_password", token=make_reset_token(user))


@dataclass(frozen=True)
class Invitation:
    """What the invitation page tells the person: who enrolled them (None when no one is
    on record), their centre, and the titles (in ``language``) of the courses they are
    enrolled in."""

    email: str
    inviter: str | None
    centre: str | None
    courses: tuple[str, ...]


def invitation_facts(user: User, language: str) -> Invitation:
    """Read from the records the import wrote: the active enrolments and who made them."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.status == ACTIVE)
        .order_by(Enrolment.enrolled_at)
    ).all()
    inviter_id = next((e.enrolled_by_id for e in enrolments if e.enrolled_by_id), None)
    inviter = db.session.get(User, inviter_id) if inviter_id else None
    return Invitation(
        email=user.email,
        inviter=inviter.name if inviter is not None else None,
        centre=user.centre.name if user.centre is not None else None,
        courses=tuple(e.version.text(language)["title"] for e in enrolments),
    )


def _text(user: User, course_title: str, link: str) -> tuple[str, str]:
    subject = _("You are invited to ATMP Learn")
    body = _(
        'Hello %(name)s,\n\nYour centre has enrolled you in the course "%(course)s" on '
        "ATMP Learn. Open this link within %(days)s to choose your password:\n\n"
        "%(link)s\n\nYour e-mail address is your user name.",
        name=user.name,
        course=course_title,
        days=ngettext("%(num)d day", "%(num)d days", _days()),
        link=link,
    )
    return subject, body


def queue_invitation(user: User, course_titles: dict[str, str]) -> None:
    """One mail in Swedish and English, queued in the outbox in the caller's transaction
    (the import's): the accounts and their invitations commit together or not at all.
    ``course_titles``: language -> the course's title in it."""
    link = absolute_url("enrolment.accept_invitation", token=make_token(user))
    parts, subjects = [], []
    for lang in ("sv", "en"):
        with force_locale(lang):
            subject, body = _text(user, course_titles.get(lang, ""), link)
        subjects.append(subject)
        parts.append(body)
    mail.enqueue(user.email, " / ".join(subjects), "\n\n-----\n\n".join(parts))
