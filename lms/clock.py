"""The one clock: what time it is, and what day it is where the centres are.

Moments are stored as naive UTC datetimes. Dates a person sees, and every date comparison
that decides "overdue", "expiring" or "expired", are dates in the platform's time zone
(``LMS_TIMEZONE``, default Europe/Stockholm), never the server's own: a server running in
UTC would otherwise call an assignment due on the 29th "not overdue" until 02:00 in
Stockholm on the 30th.

Everything that needs "now" or "today" asks this module. Tests fix the clock with the
``clock`` fixture in ``tests/conftest.py`` (see :class:`FixedClock`): it holds for the test,
for every request the test makes and for threads the app starts, because it lives on the
application, not in a global.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

DEFAULT_ZONE = "Europe/Stockholm"
EXTENSION = "lms.clock"


@dataclass
class FixedClock:
    """A clock standing still at ``now`` (naive UTC) until moved. Install it with
    :func:`fix`; tests get one from the ``clock`` fixture."""

    now: datetime

    def set(self, moment: datetime | str) -> None:
        """Stand still at ``moment``: a datetime (naive means UTC) or an ISO 8601 string
        such as ``"2026-03-29T23:30Z"``."""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        self.now = moment

    def advance(self, **delta) -> None:
        """Move on by ``timedelta(**delta)`` (days=, hours=, minutes=, seconds=)."""
        self.now += timedelta(**delta)


def fix(app: Flask, moment: datetime | str) -> FixedClock:
    """Make ``app`` read the time from a :class:`FixedClock` at ``moment``; returns it."""
    fixed = FixedClock(datetime.min)
    fixed.set(moment)
    app.extensions[EXTENSION] = fixed
    return fixed


def release(app: Flask) -> None:
    """Let ``app`` read the real time again."""
    app.extensions.pop(EXTENSION, None)


def utcnow() -> datetime:
    """Now, in UTC, as a naive datetime (the form the database stores)."""
    if has_app_context():
        fixed = current_app.extensions.get(EXTENSION)
        if fixed is not None:
            return fixed.now
    return datetime.now(UTC).replace(tzinfo=None)


def local_zone() -> ZoneInfo:
    """The platform's time zone: ``LMS_TIMEZONE`` (an IANA name), default Europe/Stockholm."""
    name = current_app.config.get("LMS_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def to_local(moment: datetime) -> datetime:
    """A stored moment (naive means UTC) as an aware datetime in :func:`local_zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


def local_date(moment: datetime) -> date:
    """The calendar date in :func:`local_zone` at a stored moment (naive means UTC)."""
    return to_local(moment).date()


def local_today() -> date:
    """Today in :func:`local_zone`: the date every "overdue" and "expired" rule compares."""
    return local_date(utcnow())
