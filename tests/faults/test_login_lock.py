"""Regression: a login must not hold the database while argon2 checks the password.

Under the 200-learner load (benchmarks/load_learners.py) logins on SQLite failed with
"database is locked": a login POST begins ``BEGIN IMMEDIATE`` and the password check ran
inside that transaction, so concurrent logins queued behind each other's hashing until
the busy timeout ran out.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine import make_url

from lms.auth import services
from lms.extensions import db
from lms.models import AuditEvent
from tests.conftest import PASSWORD


def test_password_check_runs_outside_any_transaction(app, client, make_user, monkeypatch):
    user = make_user()
    seen = []
    real = services.verify_password

    def checking(stored, password):
        seen.append(db.session().in_transaction())
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        if url.get_backend_name() == "sqlite":
            # Another process could take the write lock right now, without waiting.
            other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                seen.append("lock free")
            except sqlite3.OperationalError as exc:
                seen.append(str(exc))
            finally:
                other.close()
        return real(stored, password)

    monkeypatch.setattr(services, "verify_password", checking)
    wrong = client.post("/auth/login", data={"email": user.email, "password": "not it at all"})
    assert wrong.status_code == 422
    assert "The e-mail address or password is wrong." in wrong.get_data(as_text=True)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert seen.count(False) == 2  # no transaction open during either check
    assert "database is locked" not in seen
    db.session.rollback()
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["login.failed", "login.succeeded"]
