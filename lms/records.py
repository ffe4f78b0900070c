"""Whose records a transaction changed, told to the plugins before it commits.

Some plugins keep derived data (the reports' status table) that must never disagree with
the records it is derived from, not even after a crash between two commits. So instead of
each writer remembering to send a signal, the session notes every row it flushes that
belongs to a person (a ``User``, a row with a ``user_id``, or a model that says whose it
is through a ``records_owner_id`` property) and, just before the commit, sends
``records_changed`` once with (table, person) pairs. Receivers write in the same
transaction: the records and what is derived from them commit together or not at all.

A plugin that changes rows with a Core ``update()``/``insert()`` (no ORM objects) calls
:func:`touched` for those rows.
"""

from __future__ import annotations

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms import events
from lms.models import User

PENDING = "lms.records.pending"
TOUCHED = "lms.records.touched"


def touched(session: Session, table: str, user_ids) -> None:
    """Note rows of ``table`` belonging to ``user_ids`` changed without ORM objects."""
    session.info.setdefault(TOUCHED, set()).update((table, int(u)) for u in user_ids)


def _owner(obj) -> int | None:
    if isinstance(obj, User):
        return obj.id
    owner = getattr(obj, "records_owner_id", None)
    if owner is None:
        owner = getattr(obj, "user_id", None)
    return owner


def _after_flush(session: Session, flush_context) -> None:
    # New, changed and deleted objects still show their pre-flush state here; their owners
    # are looked up at commit, outside the flush.
    changed = [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    objects = [*session.new, *changed, *session.deleted]
    if objects:
        session.info.setdefault(PENDING, []).extend(objects)


def _before_commit(session: Session) -> None:
    if not has_app_context():
        return
    for _ in range(3):  # a receiver's own ORM writes are told once more, then it stops
        session.flush()
        pairs = session.info.pop(TOUCHED, set())
        for obj in session.info.pop(PENDING, []):
            owner = _owner(obj)
            if owner is not None:
                pairs.add((obj.__table__.name, int(owner)))
        if not pairs:
            return
        events.emit(events.records_changed, events.RecordsChanged(frozenset(pairs)))


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost one: committed or rolled back
        session.info.pop(PENDING, None)
        session.info.pop(TOUCHED, None)


def install(session_target) -> None:
    """Listen on the app's session (once per process; the listeners are stateless)."""
    if not event.contains(session_target, "after_flush", _after_flush):
        event.listen(session_target, "after_flush", _after_flush)
        event.listen(session_target, "before_commit", _before_commit)
        event.listen(session_target, "after_transaction_end", _after_transaction_end)
