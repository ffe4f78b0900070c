"""The audit trail: a row per security-relevant event, added to the caller's transaction.

Rows are never updated or deleted, by the app or by anyone going through it: migration
0016_records makes the database refuse UPDATE and DELETE on ``audit_event`` (a trigger on
SQLite and on PostgreSQL). An event carries the real actor, the time (naive UTC), what
changed as ``old``/``new`` values in its details and, for a change one person makes to
another's record, the ``reason`` they typed (EU GMP Annex 11 §9, 21 CFR 11.10(e)).
"""

from __future__ import annotations

import logging

from flask import has_request_context, request

from lms.extensions import db
from lms.models import AuditEvent

log = logging.getLogger("lms.audit")


def record(
    action: str, *, actor=None, subject=None, reason: str | None = None, **details
) -> AuditEvent:
    """Add an event to the session (the caller commits with the change it records).

    ``actor``/``subject``: a User, a user id or None; ``reason``: the actor's words, stored
    in the details as ``reason`` when given; ``details``: JSON-serialisable values, by
    convention ``old``/``new`` (or ``previous_<field>``/``<field>``) for what changed. The
    sentence shown for ``action`` comes from :mod:`lms.audit_text`.
    """
    if reason is not None:
        details["reason"] = reason
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
