"""What the app wrote for delivery (the outbox table), and a real SMTP server for tests.

:func:`bodies_to` reads the outbox; the ``smtp_server`` fixture in ``tests/conftest.py``
starts aiosmtpd on a free loopback port and collects what it is really sent.
"""

from __future__ import annotations

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default

from sqlalchemy import select

from lms.extensions import db
from lms.mail.models import OutboxMessage


def queued(address: str | None = None) -> list[OutboxMessage]:
    """Outbox rows (to ``address``, when given), oldest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if address is not None:
        query = query.where(OutboxMessage.recipient == address)
    return list(db.session.scalars(query))


def bodies_to(app, address: str) -> list[str]:
    """The text bodies of the messages to ``address`` in the outbox, oldest first."""
    return [message.body_text for message in queued(address)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """aiosmtpd on 127.0.0.1: ``messages`` holds what it accepted (parsed), ``refuse`` the
    addresses it answers 550 to; ``stop()``/``start()`` take it down and up on one port."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]
