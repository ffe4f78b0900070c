"""How a message leaves: SMTP when ``LMS_MAIL_SERVER`` is set, otherwise the log (development
and demo mode). Only the outbox's drain calls this; requests never talk SMTP."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

log = logging.getLogger("lms.mail")


@dataclass(frozen=True)
class Outgoing:
    """What the drain read from one outbox row (plain values: no database object is held
    while the SMTP server is talked to)."""

    id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    locale: str | None
    created_at: datetime
    attempts: int = 0  # counting this one


class Refused(Exception):
    """The server refused this message for good (a 5xx answer, RFC 5321 §4.2.1): do not
    retry it."""


class Deferred(Exception):
    """This message could not be sent now (a 4xx answer, RFC 5321 §4.2.1); retry later."""


class Unavailable(Exception):
    """The server cannot be reached or refuses the session (connection, TLS, login, sender):
    no message can go now; the drain stops and retries the batch later."""


def build(message: Outgoing, config) -> EmailMessage:
    """The RFC 5322 message for an outbox row. The Message-ID is derived from the row, so a
    message retried after a crash carries the same id and a receiver can tell it again."""
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    host = urlsplit(config.get("LMS_BASE_URL") or "").hostname or "atmp-learn.invalid"
    email["Message-ID"] = f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{host}>"
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.locale:  # after the content: set_content() replaces Content-* headers
        email["Content-Language"] = message.locale
    return email


class LogTransport:
    """No mail server configured: write the message to the log, as development expects."""

    def __init__(self, config):
        self.config = config

    def send(self, message: Outgoing) -> None:
        log.warning(
            "mail not configured; message to %s: %s\n%s",
            message.recipient,
            message.subject,
            message.body_text,
        )

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP session for a batch, opened at the first message."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        config = self.config
        try:
            smtp = smtplib.SMTP(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["LMS_MAIL_TIMEOUT"]
            )
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except (OSError, smtplib.SMTPException) as exc:
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
        return smtp

    def send(self, message: Outgoing) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        email = build(message, self.config)
        try:
            refused = self.smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _by_code(code, text) from exc
        except smtplib.SMTPDataError as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.smtp = None  # the session is gone or unusable: the next batch reconnects
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
        if refused:  # one recipient per message: not reached, but never silently dropped
            code, text = next(iter(refused.values()))
            raise _by_code(code, text)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _by_code(code: int, text) -> Exception:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    error = f"{code} {text}"
    return Refused(error) if 500 <= code < 600 else Deferred(error)


def transport_for(config):
    return SmtpTransport(config) if config.get("MAIL_SERVER") else LogTransport(config)
