"""Receivers for the core's personal-data signals (on even while no provider is configured,
since identities linked earlier are still personal data)."""

from __future__ import annotations

from sqlalchemy import select

from lms import audit, events
from lms.extensions import db
from lms.plugins.sso.models import Identity


def on_personal_data(sender, payload: events.PersonalDataRequest) -> tuple[str, list]:
    """The person's linked identities, for their own data download (GDPR art. 15)."""
    rows = db.session.scalars(
        select(Identity).where(Identity.user_id == payload.user_id).order_by(Identity.id)
    )
    return "sign_in_identities", [
        {
            "provider": row.provider,
            "subject": row.subject,
            "email": row.email,
            "linked_at": row.created_at.isoformat(),
            "last_sign_in_at": row.last_login_at.isoformat() if row.last_login_at else None,
        }
        for row in rows
    ]


def on_user_anonymised(sender, payload: events.UserAnonymised) -> None:
    """An anonymised account signs in nowhere: its identities (a subject such as an HSA-id
    and an e-mail address are personal data) are unlinked, the audit trail says so."""
    rows = db.session.scalars(select(Identity).where(Identity.user_id == payload.user_id))
    for row in rows:
        audit.record("sso.identity_removed", subject=payload.user_id, provider=row.provider,
                     reason="anonymised")  # fmt: skip
        db.session.delete(row)
    db.session.commit()
