"""Counting the SQL a page sends: the tests that keep queries per page from growing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event

from lms.extensions import db

TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


@contextlib.contextmanager
def counting(*, transaction_control: bool = True) -> Iterator[list[str]]:
    """The statements sent while inside; without BEGIN/COMMIT/... when asked."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if transaction_control or statement.split(None, 1)[0].upper() not in TRANSACTION_CONTROL:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
