"""Outgoing mail, through one outbox (a table) that a job drains; requests never talk SMTP.

- :func:`enqueue` (in :mod:`.outbox`) adds a message in the caller's transaction;
- :func:`drain` sends what is due, with retries and backoff, safe with several workers and
  servers at once; ``flask lms send-mail`` runs it, and ``deploy/`` has a systemd timer
  that runs it every minute: the guarantee;
- after a response whose request queued mail, this module also starts a drain in a
  background thread (one per process at a time, a bounded batch), so mail goes out within
  seconds without waiting for the timer. ``LMS_MAIL_KICK=0`` turns that off.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, g

from lms.mail.outbox import QUEUED_IN_REQUEST, Report, drain, enqueue, pending

__all__ = ["Report", "drain", "enqueue", "init_app", "pending"]

log = logging.getLogger("lms.mail")
KICK_BATCH = 50


class Kicker:
    """Runs :func:`drain` in one background thread per process: a kick while it runs makes
    it drain once more instead of starting a second thread."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.again = False
        self.thread: threading.Thread | None = None

    def kick(self) -> None:
        with self.lock:
            self.again = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="lms-mail", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.again:
                    self.thread = None
                    return
                self.again = False
            try:
                with self.app.app_context():
                    drain(limit=KICK_BATCH)
            except Exception:  # the timer's drain is the guarantee; never kill the thread
                log.exception("background mail drain failed; the timer will retry")

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running drain (tests)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)


def _after_request(response):
    if g.get(QUEUED_IN_REQUEST):
        from flask import current_app

        kicker = current_app.extensions["lms.mail"]
        response.call_on_close(kicker.kick)
    return response


def init_app(app: Flask) -> None:
    app.extensions["lms.mail"] = Kicker(app)
    if app.config.get("LMS_MAIL_KICK", True):
        app.after_request(_after_request)
