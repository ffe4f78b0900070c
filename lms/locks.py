"""Locks a transaction takes on people, so two transactions that recount the same people's
kept counts (the reports' and compliance's tallies) run one after the other."""

from __future__ import annotations

from sqlalchemy import text

from lms.extensions import db


def lock_people(namespace: int, user_ids: list[int]) -> None:
    """Take, for the rest of the current transaction, a lock per person in ``user_ids``
    under ``namespace`` (an int each plugin picks for itself: its first key). PostgreSQL:
    ``pg_advisory_xact_lock(namespace, user id)``, taken in id order so two transactions
    never wait on each other crosswise; released at commit or rollback. SQLite: nothing,
    since the writing transaction already holds the database's only write lock."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(:ns, u)) FROM "
            "(SELECT u FROM unnest(CAST(:ids AS integer[])) AS u ORDER BY u) AS ordered"
        ),
        {"ns": namespace, "ids": user_ids},
    )
