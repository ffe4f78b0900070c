"""Flask extensions, created unbound and attached in ``create_app`` (the init_app pattern)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context, request
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool
from sqlalchemy.sql.functions import FunctionElement

from lms import sqlite_queue

# Stable constraint names, so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
login_manager.login_message = _l("Please log in to see this page.")
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def client_address() -> str:
    """The caller's address, after ProxyFix has applied the trusted proxy headers."""
    return request.remote_addr or "unknown"


class unicode_lower(FunctionElement):
    """lower() that folds å, Ä, Ö ... on SQLite too (its built-in lower() is ASCII only)."""

    type = String()
    inherit_cache = True
    name = "unicode_lower"


@compiles(unicode_lower)
def _unicode_lower_default(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _unicode_lower_sqlite(element, compiler, **kw):
    return f"lms_lower({compiler.process(element.clauses, **kw)})"


def _python_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Training records must survive a crash: WAL, full fsync and a busy timeout on SQLite."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We emit BEGIN ourselves (see _sqlite_begin); pysqlite's own handling would run SELECTs
    # outside any transaction and begin only at the first write.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function("lms_lower", 1, _python_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


# The test suite's own session (outside any request) reads between requests; it sets this
# so its reads do not hold the write lock. Everything else outside a request (commands,
# worker threads) takes the lock up front.
sqlite_deferred_outside_requests: ContextVar[bool] = ContextVar(
    "sqlite_deferred_outside_requests", default=False
)


@contextmanager
def write_lock():
    """Transactions begun inside take SQLite's write lock up front (``BEGIN IMMEDIATE``),
    in a request or outside one (commands, worker threads, the test suite's own session):
    for code that reads and then writes, such as claiming mail to send. End the open
    transaction before entering. No effect on PostgreSQL."""
    if has_request_context():
        previous = g.get("lms_sqlite_write_lock")
        g.lms_sqlite_write_lock = True
        try:
            yield
        finally:
            g.lms_sqlite_write_lock = previous
    else:
        token = sqlite_deferred_outside_requests.set(False)
        try:
            yield
        finally:
            sqlite_deferred_outside_requests.reset(token)


def release_write_lock() -> None:
    """The request's writes are done: transactions begun from now on read beside writers
    again (say, while the page renders) instead of holding SQLite's one write lock."""
    g.lms_sqlite_write_lock = False


def holds_write_lock() -> bool:
    """Whether the session's transaction may read and then write without a conflict: on
    PostgreSQL always (constraints decide), on SQLite when it began ``IMMEDIATE``."""
    connection = db.session.connection()
    return connection.dialect.name != "sqlite" or connection.info.get("lms_write_lock", False)


def _wants_write_lock() -> bool:
    """Requests that change things (POST: a GET never writes), and commands, take SQLite's
    write lock up front."""
    if not has_request_context():
        return not sqlite_deferred_outside_requests.get()
    chosen = g.get("lms_sqlite_write_lock")
    if chosen is not None:
        return chosen
    return request.method not in ("GET", "HEAD", "OPTIONS")


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """SQLite: ``BEGIN IMMEDIATE`` for writes that read first, so two requests never both
    read and then fail to upgrade to a write ("database is locked"); they wait their turn in
    :mod:`lms.sqlite_queue` first. Reads (GET) begin deferred and run beside writers
    under WAL."""
    if connection.dialect.name != "sqlite":
        return
    immediate = _wants_write_lock()
    connection.info["lms_write_lock"] = immediate
    if not immediate:
        connection.exec_driver_sql("BEGIN")
        return
    sqlite_queue.take(connection.info, connection.engine.url.database)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        sqlite_queue.give_back(connection.info)
        raise


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_transaction_ended(connection):
    """The next writer's turn (see :mod:`lms.sqlite_queue`)."""
    sqlite_queue.give_back(connection.info)


@event.listens_for(Pool, "checkin")
@event.listens_for(Pool, "close")
@event.listens_for(Pool, "invalidate")
def _sqlite_connection_gone(dbapi_connection, connection_record, *_args):
    if connection_record is not None:
        sqlite_queue.give_back(connection_record.info)
