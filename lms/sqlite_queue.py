"""SQLite writers wait their turn in a queue instead of polling the database.

SQLite has one write lock per file. A ``BEGIN IMMEDIATE`` that finds it taken waits in
SQLite's busy handler, which sleeps and retries (1, 2, 5 ... up to 100 ms between tries):
while it sleeps the lock may be free and taken by a newcomer, so under load writers wait
in no order, some of them seconds (issue 18: p99 of "mark as done" 13 s at 200 learners),
and the lock stands idle between sleepers. Here a writer first takes a lock of its process
(``threading.Lock``) and then an ``flock`` on ``<database>-writers`` shared by every
process (gunicorn workers, commands): the kernel wakes a waiter the moment the holder lets
go, so the write lock passes straight on. It is let go when the transaction ends (commit,
rollback, or the connection going back to the pool, closed or invalidated); the kernel lets
go of the ``flock`` of a process that dies.

Durability is unchanged: the transaction still begins ``IMMEDIATE`` and commits with
``synchronous=FULL``; this only orders who begins when. A thread that waits longer than the
busy timeout for its own process's lock goes on without the queue, as before (SQLite's busy
handler decides), so a transaction that holds the lock and opens a second writing
connection in the same thread fails as it always did, never hangs.
"""

from __future__ import annotations

import fcntl
import os
import threading

TIMEOUT_S = 15.0
"""How long a thread waits for its process's turn: the busy timeout (extensions.py)."""

KEY = "lms_writer_queue"
"""connection.info key: the database path whose queue this connection holds."""

_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}
_files: dict[str, int] = {}
_pid = os.getpid()


def _for(path: str) -> tuple[threading.Lock, int]:
    global _pid
    with _guard:
        if os.getpid() != _pid:  # a forked worker: the parent's locks and files are not ours
            _pid = os.getpid()
            _locks.clear()
            _files.clear()
        lock = _locks.setdefault(path, threading.Lock())
        if path not in _files:
            _files[path] = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
        return lock, _files[path]


def take(info: dict, path: str | None) -> None:
    """Wait for this writer's turn on the database file ``path`` (None or ":memory:": no
    queue) and note it in the connection's ``info``. Returns without the turn after
    TIMEOUT_S of waiting within the process."""
    if not path or path == ":memory:" or info.get(KEY):
        return
    lock, fd = _for(path)
    if not lock.acquire(timeout=TIMEOUT_S):
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
    except OSError:
        lock.release()
        return
    info[KEY] = path


def give_back(info: dict) -> None:
    """The transaction on this connection ended: the next writer's turn (if it held one)."""
    path = info.pop(KEY, None)
    if path is None:
        return
    lock, fd = _for(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if lock.locked():
            lock.release()
