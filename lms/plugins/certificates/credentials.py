"""Certificates as Open Badges 3.0 credentials (1EdTech Open Badges 3.0
``OpenBadgeCredential``: a W3C Verifiable Credential, Data Model 2.0, in JSON-LD), signed
with a Data Integrity ``eddsa-rdfc-2022`` proof by the platform's ``did:web``.

A credential is a document about a record, built from the stored certificate, its course
version (immutable once stored) and the holder's e-mail address only; the proof's time is
the issue time and Ed25519 is deterministic, so the same certificate always yields the same
bytes. It is signed and stored when the certificate is issued (in the same transaction):
an issued credential is a record like the certificate, and what a learner downloaded stays
byte for byte what the platform serves, whatever later changes to the code, translations,
contexts or address. Certificates issued before this existed, or while ``LMS_BASE_URL``
was unset, are built the same way on request (signing costs milliseconds). Revocation
never touches the credential: it is a bit on the status list (:mod:`status_list`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms import events
from lms.content.models import CourseVersion
from lms.extensions import db
from lms.models import User
from lms.plugins.certificates import codes, dataintegrity, did, status_list
from lms.plugins.certificates.models import Certificate, Credential

ISSUER_NAME = "ATMP Learn"
_SALT_LABEL = b"atmp-learn open badge identity salt v1:"


def path(certificate: Certificate) -> str:
    return f"/certificates/{codes.display(certificate.code)}/credential.json"


def _clean(text: str) -> str:
    return dataintegrity.UNSAFE.sub("", text)


def identity(email: str, salt: str) -> dict:
    """The subject's e-mail as an OB 3.0 ``IdentityObject``: ``sha256$`` + hex SHA-256 of
    the lower-cased address followed by the salt (OB 3.0, "IdentityHash"); never the
    address itself."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def _salt(certificate: Certificate) -> str:
    """Unique per certificate, stable, and unguessable without SECRET_KEY."""
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    mac = hmac.new(secret, _SALT_LABEL + certificate.code.encode("ascii"), hashlib.sha256)
    return mac.hexdigest()[:32]


def valid_until(expires_on: date) -> datetime:
    """The last second (UTC) of the expiry day in the platform's time zone: a certificate
    is valid through its ``expires_on`` day, as the verification page says."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    end = datetime.combine(expires_on + timedelta(days=1), time(0), zone) - timedelta(seconds=1)
    return end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def criteria(version: CourseVersion) -> str:
    """What earned the certificate, in the current locale."""
    marks = sorted({quiz.pass_mark for quiz in version.quizzes})
    if not marks:
        return _("Completed every module of the course.")
    if len(marks) == 1:
        return _(
            "Completed every module and passed all quizzes with at least %(mark)s %%.",
            mark=marks[0],
        )
    return _(
        "Completed every module and passed every quiz with at least its pass mark "
        "(%(lowest)s–%(highest)s %%).",
        lowest=marks[0],
        highest=marks[-1],
    )


def _achievement(certificate: Certificate, version: CourseVersion) -> dict:
    text = version.text(certificate.language)
    with force_locale(certificate.language):
        narrative = criteria(version)
    anchor = f"#version-{certificate.version}-{certificate.language}"
    return {
        "id": did.absolute(f"/courses/{certificate.course_slug}/{anchor}"),
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": _clean(certificate.course_title),
        "description": _clean(text["summary"] or certificate.course_title),
        "criteria": {"narrative": narrative},
        "version": certificate.version,
        "inLanguage": certificate.language,
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": f"sha256:{certificate.content_hash}",
                "identifierType": "ext:ContentHash",
            }
        ],
    }


def build(certificate: Certificate, credential: Credential) -> dict:
    """The signed OpenBadgeCredential of ``certificate``, its status bit in ``credential``.

    Reads the course version and the holder's current e-mail address. Raises
    did.NotConfigured without ``LMS_BASE_URL``.
    """
    with db.session.no_autoflush:
        version = db.session.get(CourseVersion, certificate.version_id)
        holder = db.session.get(User, certificate.user_id)
    issued = status_list.timestamp(certificate.issued_at)
    unsigned = {
        "@context": [dataintegrity.VC_CONTEXT, dataintegrity.OB_CONTEXT],
        "id": did.absolute(path(certificate)),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": _clean(certificate.course_title),
        "issuer": {
            "id": did.issuer(),
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": did.absolute("/"),
        },
        "validFrom": issued,
    }
    if certificate.expires_on is not None:
        unsigned["validUntil"] = status_list.timestamp(valid_until(certificate.expires_on))
    unsigned["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "name": _clean(certificate.name),
        "identifier": [identity(holder.email, _salt(certificate))],
        "achievement": _achievement(certificate, version),
    }
    unsigned["credentialStatus"] = status_list.entry(
        credential.status_list, credential.status_index
    )
    return dataintegrity.sign(unsigned, created=issued)


def _serialise(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def attach(certificate: Certificate) -> Credential:
    """Give a new (not yet stored) certificate its status bit and, when ``LMS_BASE_URL`` is
    set, its signed credential; adds both to the session for the caller to commit."""
    number, index = status_list.allocate()
    credential = Credential(
        certificate=certificate,
        status_list=number,
        status_index=index,
        allocated_at=certificate.issued_at,
    )
    try:
        credential.document = _serialise(build(certificate, credential))
    except did.NotConfigured:
        credential.document = None  # built on request once the platform has its address
    db.session.add(credential)
    return credential


def served(certificate: Certificate) -> bytes | None:
    """The credential as served (UTF-8 JSON): the stored one, else built now. None when
    the certificate has no status bit. Raises did.NotConfigured without ``LMS_BASE_URL``."""
    credential = db.session.scalar(
        select(Credential).where(Credential.certificate_id == certificate.id)
    )
    if credential is None:
        return None
    document = credential.document or _serialise(build(certificate, credential))
    return document.encode("utf-8")


def on_user_anonymised(sender, payload: events.UserAnonymised) -> None:
    """Withdraw the stored credentials that name the person: from now on they are built
    on request from the certificate, which carries the anonymised name."""
    mine = select(Certificate.id).where(Certificate.user_id == payload.user_id)
    db.session.execute(
        update(Credential).where(Credential.certificate_id.in_(mine)).values(document=None)
    )
    db.session.commit()
