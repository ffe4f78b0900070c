"""Migration 0009 turns names stored before text was normalised into what the app stores now
(issue 12, §4): a search finds them, an export writes them."""

from __future__ import annotations

import unicodedata

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms import create_app
from lms.extensions import db
from lms.text import one_line
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture)

REVISION = "0009_quiz_feedback_attempts"
OLD = {
    "nfd@example.com": unicodedata.normalize("NFD", "Åsa Öhrström"),
    "vt@example.com": "Lena\x0bLind",
    "break@example.com": "Anna\r\nAndersson ",
    "persian@example.com": "نگار\u200cرضایی",
    "plain@example.com": "Per Persson",
}


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_names_become_one_line_of_nfc_text(empty_database_url):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=f"{REVISION}-1")
        with db.engine.begin() as conn:
            for email, name in OLD.items():
                conn.execute(
                    text(
                        "INSERT INTO user_account (email, name, profession, role, active, "
                        "session_version, created_at) VALUES (:e, :n, 'nurse', 'learner', "
                        "true, 1, CURRENT_TIMESTAMP)"
                    ),
                    {"e": email, "n": name},
                )
        upgrade(revision=REVISION)
        with db.engine.connect() as conn:
            names = dict(conn.execute(text("SELECT email, name FROM user_account")).all())
        assert names == {email: one_line(name) for email, name in OLD.items()}
        assert names["nfd@example.com"] == "Åsa Öhrström"
        assert names["vt@example.com"] == "Lena Lind"
        assert names["persian@example.com"] == OLD["persian@example.com"]  # ZWNJ kept
        downgrade(revision=f"{REVISION}-1")
        upgrade(revision="heads")
        db.session.remove()
        db.engine.dispose()
