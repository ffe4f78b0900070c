"""Migrations build the schema from empty, match the models, and go down and up again."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db
from lms.models import DEFAULT_CENTRES, Centre
from tests.conftest import PG_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"lms_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        # Expression indexes (lower(email)) cannot be reflected on SQLite; skip those only.
        diff = [d for d in diff if not (d[0] == "add_index" and d[1].name.endswith("_lower"))]
        # The full-text indexes of 0017_search are no models: SQLite's FTS5 table (and its
        # shadow tables), PostgreSQL's GIN index on an expression.
        diff = [
            d
            for d in diff
            if not (d[0] == "remove_table" and d[1].name.startswith("content_search_fts"))
            and not (d[0] == "remove_index" and d[1].name == "ix_content_search_document")
        ]
        assert diff == []
        slugs = set(db.session.scalars(select(Centre.slug)))
        assert slugs == {slug for slug, _name, _city in DEFAULT_CENTRES}
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert "user_account" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_membership_upgrade_confirms_everyones_current_centre(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0007_reports_status")
        with db.engine.begin() as conn:
            centre = conn.execute(text("SELECT id FROM centre WHERE slug = 'umea'")).scalar()
            for email, centre_id in (("a@example.com", centre), ("b@example.com", None)):
                conn.execute(
                    text(
                        "INSERT INTO user_account (email, name, profession, role, centre_id, "
                        "active, session_version, created_at) VALUES (:e, 'N', 'nurse', "
                        "'learner', :c, true, 1, '2025-01-02 03:04:05')"
                    ),
                    {"e": email, "c": centre_id},
                )
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT u.email, m.centre_id, m.status, m.source, m.decided_via "
                    "FROM centre_membership m JOIN user_account u ON u.id = m.user_id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("a@example.com", centre, "confirmed", "migration", "migration")
        ]
        db.session.remove()
        db.engine.dispose()


def test_stepping_down_from_the_unit_keeps_the_one_account_per_address_rule(empty_database_url):
    """0014's downgrade must not rebuild user_account (a SQLite batch rebuild drops the
    lower(email) expression index): after it, a second account for the same address in
    other letter case is still refused by the database."""
    from sqlalchemy.exc import IntegrityError

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0014_person_unit")
        downgrade(revision="0013_sso")
        insert = text(
            "INSERT INTO user_account (email, name, profession, role, active, "
            "session_version, created_at) VALUES (:e, 'N', 'nurse', 'learner', true, 1, "
            "'2025-01-02 03:04:05')"
        )
        with db.engine.begin() as conn:
            conn.execute(insert, {"e": "Anna@example.com"})
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"e": "anna@example.com"})
        db.session.remove()
        db.engine.dispose()


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_the_roles_move_to_their_own_table_and_back(empty_database_url):
    """0019_user_roles copies every non-learner role into user_role and drops the column
    with a plain ALTER TABLE (the lower(email) index stays); the downgrade puts the highest
    role back; up again keeps the data."""
    from sqlalchemy.exc import IntegrityError

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0018_job_titles")
        insert = text(
            "INSERT INTO user_account (email, name, profession, role, active, "
            "session_version, created_at) VALUES (:e, 'N', 'nurse', :r, true, 1, "
            "'2025-01-02 03:04:05')"
        )
        people = {
            "learner@example.com": "learner",
            "educator@example.com": "educator",
            "centre@example.com": "centre_admin",
            "site@example.com": "site_admin",
        }
        with db.engine.begin() as conn:
            for email, role in people.items():
                conn.execute(insert, {"e": email, "r": role})
        roles_query = text(
            "SELECT u.email, r.role FROM user_role r JOIN user_account u ON u.id = r.user_id "
            "ORDER BY u.email"
        )

        upgrade(revision="0019_user_roles")
        with db.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(roles_query)]
        expected = sorted((e, r) for e, r in people.items() if r != "learner")
        assert rows == expected
        columns = {c["name"] for c in inspect(db.engine).get_columns("user_account")}
        assert "role" not in columns
        with pytest.raises(IntegrityError), db.engine.begin() as conn:  # index kept
            conn.execute(
                text(
                    "INSERT INTO user_account (email, name, profession, active, "
                    "session_version, created_at) VALUES ('Site@example.com', 'N', 'nurse', "
                    "true, 1, '2025-01-02 03:04:05')"
                )
            )
        with db.engine.begin() as conn:  # a second role for the educator
            educator = conn.execute(
                text("SELECT id FROM user_account WHERE email = 'educator@example.com'")
            ).scalar()
            conn.execute(
                text(
                    "INSERT INTO user_role (user_id, role, granted_at) "
                    "VALUES (:u, 'centre_admin', '2025-01-02 03:04:05')"
                ),
                {"u": educator},
            )

        downgrade(revision="0018_job_titles")
        assert "user_role" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT email, role FROM user_account")).all())
        assert back == {**people, "educator@example.com": "centre_admin"}  # the highest
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {"e": "SITE@example.com", "r": "learner"})

        upgrade(revision="heads")
        with db.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(roles_query)]
        assert rows == sorted(
            (e, r)
            for e, r in {**people, "educator@example.com": "centre_admin"}.items()
            if r != "learner"
        )
        db.session.remove()
        db.engine.dispose()
