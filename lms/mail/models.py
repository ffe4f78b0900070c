"""The outbox: every message the platform sends is first a row here.

A row is added in the transaction of whatever caused the mail (a password-reset request, an
import that invites people, later a reminder), so a rolled-back request sends nothing and a
committed one never loses its mail. :func:`lms.mail.outbox.drain` sends what is due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.extensions import db

QUEUED, SENT, FAILED = "queued", "sent", "failed"


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Optional and unique: a sender that must send something once (a reminder per person,
    # subject, kind and date) names it, and a second enqueue with that key is a no-op.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # queued (due at next_attempt_at), sent, or failed (refused for good, or given up).
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # When it may be tried (again): now when queued, later after a failure (backoff).
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by the drain that took it, for a while (a lease): other drains leave it alone,
    # and if that drain dies mid-send the message comes back when the lease ends.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
