"""Signed acknowledgements: a learner signs "I have read and understood <course>, version X
(content hash …)" by re-entering their password, before a course that says
``signature: required`` counts as completed.

Rules implemented: 21 CFR 11.50 (the signed record shows the printed name, the date and time
and the meaning of the signature), 11.200(a)(1) (re-entering a secret component at each
signing), EU GMP Annex 11 §14. Signing is one transaction (signature and audit event); a
wrong password stores nothing (the throttle in the view counts it, as a login's).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, clock, events
from lms.auth.passwords import verify_password
from lms.content.models import Course, CourseVersion
from lms.extensions import db
from lms.models import User, role_values
from lms.plugins.records.models import Signature


class SignatureRefused(Exception):
    """Raised with a message for the signer (already translated)."""


@dataclass(frozen=True)
class Pending:
    """A signature the learner may give now: their progress and the version to sign."""

    progress: events.EnrolmentProgress
    version: CourseVersion


def meaning(version: CourseVersion, language: str) -> str:
    """The sentence the learner signs, in ``language``'s title where translated."""
    title = version.text(language)["title"]
    return _(
        "I have read and understood %(course)s, version %(version)s (content hash %(hash)s).",
        course=title,
        version=version.version,
        hash=version.content_hash[:16],
    )


def progress(user_id: int, course_id: int) -> events.EnrolmentProgress | None:
    answers = [
        a
        for a in events.emit(
            events.enrolment_progress, events.ProgressQuery(user_id=user_id, course_id=course_id)
        )
        if a is not None
    ]
    return answers[0] if answers else None


def signature_for(enrolment_id: int, version_id: int, since=None) -> Signature | None:
    """The signature of this enrolment and version (made at or after ``since``, naive UTC,
    when given: a new cycle needs a new signature)."""
    statement = select(Signature).where(
        Signature.enrolment_id == enrolment_id, Signature.version_id == version_id
    )
    if since is not None:
        statement = statement.where(Signature.signed_at >= since)
    return db.session.scalar(statement.order_by(Signature.id.desc()).limit(1))


def pending(user_id: int, course_id: int) -> Pending | None:
    """What the learner may sign now: enrolled, every module done, not completed, the
    version asks for a signature and none is given yet. None otherwise."""
    found = progress(user_id, course_id)
    if found is None or found.completed or found.modules_done < found.modules_total:
        return None
    version = db.session.get(CourseVersion, found.version_id)
    if version is None or not version.signature_required:
        return None
    if signature_for(found.enrolment_id, found.version_id, found.since) is not None:
        return None
    return Pending(found, version)


def may_sign_with_password(user: User) -> bool:
    """A password is the person's signing secret only where they have one and may log in
    with it (an SSO-only centre: not until signing through the identity provider exists)."""
    if not user.password_hash:
        return False
    answers = events.emit(
        events.password_login_allowed,
        events.PasswordLogin(
            user_id=user.id, centre_id=user.centre_id, roles=tuple(role_values(user.roles))
        ),
    )
    return not any(answer is False for answer in answers)


def sign(user: User, course: Course, password: str, language: str) -> Signature:
    """Verify the password and store the signature and its audit event in one transaction
    (commits); then ask enrolment to complete the course (its own transaction).

    Raises SignatureRefused (nothing stored) when there is nothing to sign, the person
    cannot sign with a password, or the password is wrong.
    """
    found = pending(user.id, course.id)
    if found is None:
        raise SignatureRefused(_("There is nothing to sign in this course now."))
    if not may_sign_with_password(user):
        raise SignatureRefused(
            _(
                "Your account signs in through your centre's identity provider; signing "
                "through it is not available yet. Ask your centre admin."
            )
        )
    if not verify_password(user.password_hash, password):
        raise SignatureRefused(_("The password is wrong. Nothing was signed."))
    version = found.version
    row = Signature(
        user_id=user.id,
        course_id=course.id,
        version_id=version.id,
        enrolment_id=found.progress.enrolment_id,
        cycle=found.progress.cycle,
        signed_at=clock.utcnow(),
        meaning=meaning(version, language),
        version=version.version,
        content_hash=version.content_hash,
        signer_name=user.name,
        method="password",
    )
    db.session.add(row)
    audit.record(
        "records.signed",
        actor=user,
        subject=user,
        course=course.slug,
        version=version.version,
        content_hash=version.content_hash,
        meaning=row.meaning,
    )
    try:
        db.session.commit()
    except IntegrityError as exc:  # signed in another tab at the same moment
        db.session.rollback()
        raise SignatureRefused(_("This course version is signed already.")) from exc
    events.emit(
        events.completion_recheck,
        events.CompletionRecheck(enrolment_id=found.progress.enrolment_id),
    )
    return row


def completion_blockers(sender, payload: events.CompletionQuery, **_extra) -> list[str]:
    """``completion_blockers`` receiver: a version that asks for a signature is not
    completed without one given in this cycle."""
    version = db.session.get(CourseVersion, payload.version_id)
    if version is None or not version.signature_required:
        return []
    if signature_for(payload.enrolment_id, payload.version_id, payload.since) is not None:
        return []
    return [_("The signed acknowledgement is missing.")]


def of_person(user_id: int) -> list[Signature]:
    return list(
        db.session.scalars(
            select(Signature).where(Signature.user_id == user_id).order_by(Signature.id)
        )
    )


def on_user_anonymised(sender, payload: events.UserAnonymised, **_extra) -> None:
    """The printed name on a signature is personal data: it becomes the anonymised name,
    as on certificates; the signature itself (when, what, which version) stays."""
    user = db.session.get(User, payload.user_id)
    for row in of_person(payload.user_id):
        row.signer_name = user.name
    db.session.commit()


def on_personal_data(sender, payload: events.PersonalDataRequest, **_extra):
    return "signatures", [
        {
            "signed_at": row.signed_at.isoformat() + "Z",
            "meaning": row.meaning,
            "version": row.version,
            "content_hash": row.content_hash,
        }
        for row in of_person(payload.user_id)
    ]


def signature_for_certificate(page: events.CertificatePage) -> Signature | None:
    """The signature given for the enrolment and version before the certificate was
    issued (the latest, should a revocation have started a new cycle)."""
    return db.session.scalar(
        select(Signature)
        .where(
            Signature.enrolment_id == page.enrolment_id,
            Signature.version_id == page.version_id,
            Signature.signed_at <= page.issued_at,
        )
        .order_by(Signature.id.desc())
        .limit(1)
    )
