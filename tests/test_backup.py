"""``flask lms backup`` / ``restore``: back up, change, restore, compare (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, User


def _snapshot() -> list[tuple]:
    users = [(u.id, u.email, u.name) for u in db.session.scalars(select(User).order_by(User.id))]
    events = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    return [*users, *events]


def test_backup_change_restore_compare(runner, make_user, tmp_path):
    from lms import audit

    make_user(email="kept@example.com", name="Åsa Kept")
    audit.record("test.before")
    db.session.commit()
    before = _snapshot()
    target = tmp_path / "lms.backup"
    result = runner.invoke(args=["lms", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    make_user(email="added-later@example.com")
    kept = db.session.scalar(select(User).where(User.email == "kept@example.com"))
    kept.name = "Changed"
    db.session.commit()
    assert _snapshot() != before

    db.session.remove()
    result = runner.invoke(args=["lms", "restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert _snapshot() == before


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["lms", "restore", "--yes", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_restore_asks_first(runner, make_user, tmp_path):
    target = tmp_path / "b"
    runner.invoke(args=["lms", "backup", str(target)])
    result = runner.invoke(args=["lms", "restore", str(target)], input="n\n")
    assert result.exit_code != 0
    assert "Aborted" in result.output
