"""SQLite writers take turns in a queue (lms.sqlite_queue) instead of polling the busy
handler; the turn ends with the transaction, however it ends. Issue 18 (p99 under load)."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from lms.extensions import db, write_lock
from lms.models import User
from lms.sqlite_queue import KEY


@pytest.fixture
def database(app) -> str:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("the queue orders SQLite writers; PostgreSQL has row locks")
    return url.database


def queue_taken(path: str) -> bool:
    """Does some process hold the writers' turn? (A file description of our own.)"""
    fd = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_writer_holds_the_turn_until_its_transaction_ends(app, database, make_user, end):
    user = make_user()
    db.session.commit()
    before = user.name
    db.session.commit()  # the read above began a (deferred) transaction: end it
    assert not queue_taken(database)
    with write_lock():
        db.session.get(User, user.id).name = "Changed"
        db.session.flush()
        assert db.session.connection().info.get(KEY) == database
        assert queue_taken(database)
        getattr(db.session, end)()
    assert not queue_taken(database)
    stored = db.session.scalar(text("SELECT name FROM user_account WHERE id = :i"), {"i": user.id})
    assert stored == ("Changed" if end == "commit" else before)


def test_readers_do_not_queue(app, database, make_user):
    make_user()
    db.session.commit()
    db.session.scalar(text("SELECT count(*) FROM user_account"))
    assert not db.session.connection().info.get(KEY)
    assert not queue_taken(database)


def test_a_second_writer_waits_its_turn_and_then_writes(app, database, make_user):
    """Thread B begins while A holds the turn: B waits in the queue (not in SQLite's busy
    handler, which would fail it after the busy timeout) and writes once A commits."""
    user = make_user()
    db.session.commit()
    order: list[str] = []
    b_waiting = threading.Event()

    def writer_b() -> None:
        with app.app_context(), write_lock():
            b_waiting.set()
            db.session.execute(
                text("UPDATE user_account SET name = name || ' B' WHERE id = :i"), {"i": user.id}
            )
            order.append("B wrote")
            db.session.commit()
            db.session.remove()

    with write_lock():
        db.session.execute(text("UPDATE user_account SET name = 'A' WHERE id = :i"), {"i": user.id})
        thread = threading.Thread(target=writer_b)
        thread.start()
        b_waiting.wait(10)
        thread.join(0.3)  # B cannot get past the queue while A holds the turn
        assert thread.is_alive()
        order.append("A commits")
        db.session.commit()
    thread.join(30)
    assert order == ["A commits", "B wrote"]
    name = db.session.scalar(text("SELECT name FROM user_account WHERE id = :i"), {"i": user.id})
    assert name == "A B"
    assert not queue_taken(database)
