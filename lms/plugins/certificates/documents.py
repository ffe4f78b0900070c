"""What a certificate says to machines: the signed JSON of the verification page and the
entry in the person's own data download. Only immutable facts are signed; the status
(which changes with time and revocation) travels beside them.
"""

from __future__ import annotations

from datetime import datetime

from lms import events
from lms.models import utcnow
from lms.plugins.certificates import codes, signing
from lms.plugins.certificates.models import Certificate
from lms.plugins.certificates.services import for_user, status, verification_url

SCHEMA = "atmp-learn/certificate/v1"
ISSUER = "ATMP Learn"


def _score(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 1)
    return int(rounded) if rounded.is_integer() else rounded


def _timestamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def signed_facts(certificate: Certificate) -> dict:
    """The immutable facts; what the signature covers."""
    return {
        "schema": SCHEMA,
        "issuer": ISSUER,
        "code": codes.display(certificate.code),
        "name": certificate.name,
        "profession": certificate.profession,
        "centre": certificate.centre_name,
        "course": certificate.course_title,
        "course_slug": certificate.course_slug,
        "version": certificate.version,
        "content_hash": certificate.content_hash,
        "completed_on": certificate.completed_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "score_percent": _score(certificate.score_percent),
        "issued_at": _timestamp(certificate.issued_at),
    }


def document(certificate: Certificate) -> dict:
    """The JSON answer: the signed facts plus today's status, which is not signed."""
    return {
        **signing.sign(signed_facts(certificate)),
        "status": status(certificate),
        "revoked_at": _timestamp(certificate.revoked_at),
        "checked_at": _timestamp(utcnow()),
        "verify_url": verification_url(certificate),
    }


def on_personal_data(sender, payload: events.PersonalDataRequest) -> tuple[str, list]:
    """The person's own certificates for their data download (GDPR art. 15)."""
    return "certificates", [
        {
            **signed_facts(certificate),
            "status": status(certificate),
            "revoked_at": _timestamp(certificate.revoked_at),
        }
        for certificate in for_user(payload.user_id)
    ]
