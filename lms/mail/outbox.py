"""Queue mail in the caller's transaction; send it later, once, with retries.

:func:`enqueue` adds a row to ``mail_outbox`` in the current transaction and never talks
SMTP. :func:`drain` sends what is due:

1. *claim* a batch in a short transaction: the due rows (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL; under SQLite's write lock, ``BEGIN IMMEDIATE``) get their attempt counted and
   their ``next_attempt_at`` moved on by a lease, then the transaction commits. A second
   drain, on this server or another, skips them, so each message is taken by one drain;
2. *send* each outside any transaction (a slow SMTP server holds no lock);
3. *record* each outcome in its own short transaction: sent; failed for good (a 5xx answer:
   the address does not exist); or queued again with the error and a backoff (4xx, server
   down). A drain that dies mid-batch leaves its rows to come due when the lease ends.

Delivery is at least once: a crash between the server's "250" and the recording commit
sends that one message again (with the same Message-ID). Everything else is exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from lms.clock import utcnow
from lms.extensions import db, write_lock
from lms.mail.models import FAILED, QUEUED, SENT, OutboxMessage
from lms.mail.transport import Deferred, Outgoing, Refused, Unavailable, transport_for

QUEUED_IN_REQUEST = "lms_mail_queued"
BATCH = 20
LEASE = timedelta(minutes=10)
MAX_ERROR = 2000


def enqueue(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    body_html: str | None = None,
    locale: str | None = None,
    key: str | None = None,
) -> OutboxMessage | None:
    """Add a message to the outbox in the current transaction (the caller commits; a
    rollback sends nothing). ``key``, when given, makes the message unique: if a message
    with that key exists (sent or not, committed by anyone), nothing is added and None is
    returned; a concurrent transaction inserting the same key makes this one wait and then
    return None, without spoiling the caller's transaction (a savepoint). ``body_html`` is
    an optional HTML alternative; ``locale`` (sv, en) is recorded as Content-Language.
    Returns the new row (flushed, with its id)."""
    if key is not None:
        taken = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
        if taken is not None:
            return None
    message = OutboxMessage(
        recipient=recipient,
        subject=" ".join(subject.split())[:300],  # one header line
        body_text=body_text,
        body_html=body_html,
        locale=locale,
        key=key,
        status=QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    if key is None:
        db.session.add(message)
    else:
        try:
            with db.session.begin_nested():  # a duplicate key spoils only the savepoint
                db.session.add(message)
        except IntegrityError:
            return None
    if has_request_context():
        setattr(g, QUEUED_IN_REQUEST, True)
    return message


@dataclass
class Report:
    """What one :func:`drain` did: (id, recipient, subject or error) per message."""

    sent: list[tuple[int, str, str]] = field(default_factory=list)
    deferred: list[tuple[int, str, str]] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def troubled(self) -> bool:
        return bool(self.deferred or self.failed)


def _config(name: str) -> int:
    return int(current_app.config[name])


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: ``LMS_MAIL_RETRY_SECONDS`` doubling each time
    (60 s, 2 min, 4 min ...), at most an hour."""
    first = _config("LMS_MAIL_RETRY_SECONDS")
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 3600))


def _claim(limit: int, *, retry_now: bool) -> list[Outgoing]:
    db.session.commit()  # end any open transaction: the claim begins under the lock
    now = utcnow()
    m = OutboxMessage
    with write_lock():
        query = select(
            m.id,
            m.recipient,
            m.subject,
            m.body_text,
            m.body_html,
            m.locale,
            m.created_at,
            m.attempts + 1,
        ).where(m.status == QUEUED, or_(m.claimed_until.is_(None), m.claimed_until <= now))
        if not retry_now:  # else also those waiting out a backoff
            query = query.where(m.next_attempt_at <= now)
        query = query.order_by(m.next_attempt_at, m.id).limit(limit)
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = [Outgoing(*row) for row in db.session.execute(query)]
        if rows:
            db.session.execute(
                update(m)
                .where(m.id.in_([r.id for r in rows]))
                .values(attempts=m.attempts + 1, claimed_until=now + LEASE)
            )
        db.session.commit()
    return rows


def _record(message_id: int, **values) -> None:
    with write_lock():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED)
            .values(claimed_until=None, **values)
        )
        db.session.commit()


def _defer(message: Outgoing, error: str, report: Report) -> None:
    attempts = message.attempts
    if attempts >= _config("LMS_MAIL_MAX_ATTEMPTS"):
        _record(message.id, status=FAILED, last_error=f"gave up after {attempts}: {error}")
        report.failed.append((message.id, message.recipient, error))
        return
    _record(message.id, next_attempt_at=utcnow() + backoff(attempts), last_error=error)
    report.deferred.append((message.id, message.recipient, error))


def _deliver(batch: list[Outgoing], report: Report) -> bool:
    """Send a claimed batch; False when the server is unavailable (the rest waits)."""
    transport = transport_for(current_app.config)
    try:
        for index, message in enumerate(batch):
            try:
                transport.send(message)
            except Refused as exc:
                _record(message.id, status=FAILED, last_error=str(exc)[:MAX_ERROR])
                report.failed.append((message.id, message.recipient, str(exc)))
            except Deferred as exc:
                _defer(message, str(exc)[:MAX_ERROR], report)
            except Unavailable as exc:
                for waiting in batch[index:]:
                    _defer(waiting, str(exc)[:MAX_ERROR], report)
                return False
            else:
                _record(message.id, status=SENT, sent_at=utcnow(), last_error=None)
                report.sent.append((message.id, message.recipient, message.subject))
    finally:
        transport.close()
    return True


def drain(*, limit: int | None = None, retry_now: bool = False) -> Report:
    """Send the due messages, at most ``limit`` (None: until none is due). ``retry_now``
    also takes messages waiting out a backoff after a failure (an operator who fixed the
    mail server). Safe to run in several processes and servers at once. Without
    ``LMS_MAIL_SERVER`` the messages are written to the log and count as sent. Returns a
    :class:`Report`; raises nothing for a mail server problem (it is recorded per message).
    """
    report = Report()
    taken = 0
    while limit is None or taken < limit:
        size = BATCH if limit is None else min(BATCH, limit - taken)
        batch = _claim(size, retry_now=retry_now)
        if not batch:
            break
        taken += len(batch)
        if not _deliver(batch, report):
            break
        retry_now = False  # once: a retried message failing again keeps its backoff
    _purge()
    return report


def _purge() -> None:
    """Blank the bodies of messages settled more than ``LMS_MAIL_KEEP_DAYS`` ago: they may
    hold links with tokens and personal data. The row (recipient, subject, key, dates)
    stays, so a keyed message is still never sent twice."""
    before = utcnow() - timedelta(days=_config("LMS_MAIL_KEEP_DAYS"))
    with write_lock():
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status != QUEUED,
                OutboxMessage.created_at < before,
                OutboxMessage.body_text != "",
            )
            .values(body_text="", body_html=None)
        )
        db.session.commit()


def pending() -> int:
    """How many messages wait to be sent (due now or later)."""
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == QUEUED)
    )
