"""What certificates gives other plugins without being imported: the PDFs of people's
certificates (``certificate_documents``) and signatures with the platform's Ed25519 key
(``platform_signer``), e.g. for the records plugin's inspection pack."""

from __future__ import annotations

import base64

from sqlalchemy import select

from lms import events
from lms.extensions import db
from lms.plugins.certificates import pdf, services, signing
from lms.plugins.certificates.models import Certificate


def _renderer(certificate_id: int):
    def render() -> bytes:
        certificate = db.session.get(Certificate, certificate_id)
        return pdf.render(certificate, services.verification_url(certificate))

    return render


def on_certificate_documents(
    sender, payload: events.CertificateDocumentsRequest, **_extra
) -> list[events.CertificateDocument]:
    """The certificates of ``payload.user_ids`` (oldest first); each PDF is rendered only
    when its ``render`` is called, so a caller streams them one at a time."""
    if not payload.user_ids:
        return []
    statement = select(Certificate).where(Certificate.user_id.in_(payload.user_ids))
    if payload.course_id is not None:
        statement = statement.where(Certificate.course_id == payload.course_id)
    if payload.issued_from is not None:
        statement = statement.where(Certificate.issued_at >= payload.issued_from)
    return [
        events.CertificateDocument(
            certificate_id=c.id,
            code=c.code,
            user_id=c.user_id,
            course_id=c.course_id,
            version_id=c.version_id,
            issued_at=c.issued_at,
            expires_on=c.expires_on,
            revoked=c.revoked_at is not None,
            render=_renderer(c.id),
        )
        for c in db.session.scalars(statement.order_by(Certificate.id))
    ]


def on_sign_request(sender, payload: events.SignRequest, **_extra) -> events.PlatformSignature:
    """Sign the bytes with the key certificates are signed with (LMS_CERT_SIGNING_KEY)."""
    key = signing.current_key()
    return events.PlatformSignature(
        algorithm=signing.ALGORITHM,
        signature=base64.b64encode(key.private.sign(payload.data)).decode("ascii"),
        public_key=base64.b64encode(key.public_raw).decode("ascii"),
        key_id=key.key_id,
    )
