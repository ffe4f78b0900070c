"""The audit trail: a row per security-relevant event, added to the caller's transaction."""

from __future__ import annotations

import logging

from flask import has_request_context, request

from lms.extensions import db
from lms.models import AuditEvent

log = logging.getLogger("lms.audit")


def record(action: str, *, actor=None, subject=None, **details) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", actor),
        subject_id=getattr(subject, "id", subject),
        ip=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    log.info("audit %s actor=%s subject=%s %s", action, event.actor_id, event.subject_id, details)
    return event
