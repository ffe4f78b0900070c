"""The audit trail: append-only in the database, shown in words, scoped, exported."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from lms import audit
from lms.extensions import db
from lms.models import AuditEvent, Role


def _event(**details):
    event = audit.record("role.changed", **details)
    db.session.commit()
    return event


def test_the_database_refuses_to_update_an_audit_event(app):
    event = _event(old="learner", new="site_admin", reason="covering")
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(action="x"))
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "role.changed"


def test_the_database_refuses_to_delete_an_audit_event(app):
    event = _event(old="learner", new="educator")
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == event.id))
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.id == event.id))


def test_anonymising_keeps_every_audit_event(app, make_user, clock):
    from lms.auth import services

    admin = make_user(role=Role.site_admin)
    person = make_user(name="Greta Gone")
    services.set_active(person, False, actor=admin)
    clock.advance(days=app.config["LMS_RETENTION_DAYS"] + 1)
    before = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    services.anonymise(person, actor=admin)
    after = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    assert after[: len(before)] == before
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "user.anonymised"
    )


def test_a_role_change_reads_as_a_sentence_with_old_new_and_reason(client, auth, make_user):
    admin = make_user(role=Role.site_admin)
    person = make_user(name="Rut Role")
    auth.login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={"roles": ["educator"], "centre": str(person.centre_id), "reason": "Writes the SOP"},
    )
    assert response.status_code == 302
    page = client.get("/records/audit?action=role.changed").get_data(as_text=True)
    assert "Changed the role from Learner to Educator" in page
    assert "Writes the SOP" in page
    assert "role.changed</" not in page
    swedish = client.get("/records/audit?action=role.changed", headers={"Accept-Language": "sv"})
    assert swedish.status_code == 200
    history = client.get(f"/records/people/{person.id}/history").get_data(as_text=True)
    assert "Changed the role from Learner to Educator" in history
    admin_page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "<code>role.changed</code>" not in admin_page
    assert "Changed the role from Learner to Educator" in admin_page


def test_a_centre_admin_sees_only_their_centres_people(client, auth, make_user):
    admin = make_user(role=Role.centre_admin, centre="karolinska")
    ours = make_user(name="Olle Ours", centre="karolinska")
    theirs = make_user(name="Tove Theirs", centre="skane")
    audit.record("password.changed", actor=ours, subject=ours)
    audit.record("password.changed", actor=theirs, subject=theirs)
    db.session.commit()
    auth.login(admin)
    page = client.get("/records/audit").get_data(as_text=True)
    assert "Olle Ours" in page
    assert "Tove Theirs" not in page
    assert client.get(f"/records/people/{theirs.id}/history").status_code == 404
    assert client.get(f"/records/people/{ours.id}/history").status_code == 200
    exported = client.get("/records/audit.csv").get_data(as_text=True)
    assert "Olle Ours" in exported
    assert "Tove Theirs" not in exported


def test_the_csv_export_follows_the_filter_and_neutralises_formulas(client, auth, make_user):
    admin = make_user(role=Role.site_admin)
    person = make_user(name="=HYPERLINK(1)")
    audit.record("role.changed", actor=admin, subject=person, old="learner", new="educator",
                 reason="+evil")  # fmt: skip
    audit.record("password.changed", actor=person, subject=person)
    db.session.commit()
    auth.login(admin)
    response = client.get("/records/audit.csv?action=role.changed")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Code"] == "role.changed"
    assert row["About"] == "'=HYPERLINK(1)"
    assert row["Reason"] == "'+evil"
    assert row["Changes"] == "learner → educator"


def test_junk_filters_do_not_break_the_list(client, auth, make_user):
    auth.login(make_user(role=Role.site_admin))
    response = client.get("/records/audit?start=not-a-date&action=nope&centre=x&page=5")
    assert response.status_code == 422
    assert client.get("/records/audit.csv?start=junk").status_code == 400


def test_the_csv_is_sent_whole_by_a_server_outside_the_test(app, make_user):
    """The export streams its rows after the view returned. A WSGI server reads that body
    with no application context around it (unlike a test holding one): run the request in
    a thread of its own, which starts with no context, and read every row."""
    import threading

    from flask.testing import FlaskClient

    from tests.conftest import CSRF_RE, PASSWORD

    admin = make_user(role=Role.site_admin, email="sam@example.com")
    for n in range(3):
        audit.record("password.changed", actor=admin, subject=admin, note=f"row {n}")
    db.session.commit()
    email = admin.email  # read here: the thread has no database session
    got: dict = {}

    def download():
        try:
            client = FlaskClient(app, app.response_class, use_cookies=True)  # a bare one
            token = CSRF_RE.search(client.get("/auth/login").get_data(as_text=True)).group(1)
            client.post(
                "/auth/login",
                data={"csrf_token": token, "email": email, "password": PASSWORD},
            )
            response = client.get("/records/audit.csv")
            got["status"] = response.status_code
            got["body"] = b"".join(response.response).decode("utf-8")
        except Exception:
            import traceback

            got["error"] = traceback.format_exc()

    thread = threading.Thread(target=download)
    thread.start()
    thread.join(60)
    assert "error" not in got, got.get("error")
    assert got["status"] == 200
    rows = list(csv.reader(io.StringIO(got["body"].lstrip("\ufeff")), delimiter=";"))
    codes = [row[3] for row in rows[1:]]
    assert codes.count("password.changed") == 3  # every event, to the end
    assert "login.succeeded" in codes


def test_every_action_the_code_records_reads_as_a_sentence(app):
    """An inspector reads words, never a code such as ``enrolment.assignment_withdrawn``:
    every action code written by ``audit.record("...")`` anywhere in the app has its
    sentence, and the new ones read in Swedish too."""
    import re
    from pathlib import Path

    from flask_babel import force_locale

    from lms import audit_text

    root = Path(audit_text.__file__).parent
    pattern = re.compile(r"audit\.record\(\s*\"([a-z_]+\.[a-z_.]+)\"")
    codes = {
        code for path in root.rglob("*.py") for code in pattern.findall(path.read_text("utf-8"))
    }
    assert "enrolment.assignment_withdrawn" in codes  # the scan finds what it should
    assert sorted(code for code in codes if code not in audit_text.SENTENCES) == []
    details = {"due_on": "2027-01-15", "name": "CAR-T", "title": "ST-läkare", "reason": "x"}
    for code in ("enrolment.assignment_withdrawn", "compliance.requirement_created",
                 "job_title.mapped"):  # fmt: skip
        with app.test_request_context(), force_locale("en"):
            english = audit_text.describe(code, details)
        with app.test_request_context(), force_locale("sv"):
            swedish = audit_text.describe(code, details)
        assert code not in english
        assert swedish != english, code


def test_courses_and_centres_read_by_their_names(app, make_course):
    """The audit trail names a course by its title in the page's language and a centre by
    its name, never by the address stored in the event (``car-t-nursing``, ``karolinska``);
    a course no longer known keeps its address."""
    from flask_babel import force_locale

    from lms import audit_text

    version = make_course("open-course")
    with app.test_request_context(), force_locale("en"):
        enrolled = audit_text.describe("enrolment.enrolled", {"course": "open-course"})
        gone = audit_text.describe("enrolment.enrolled", {"course": "deleted-course"})
        domain = audit_text.describe(
            "centre.domain_added", {"domain": "example.se", "centre": "karolinska"}
        )
    assert enrolled == f"Enrolled in {version.title}"
    assert "open-course" not in enrolled
    assert gone == "Enrolled in deleted-course"
    assert "Karolinska" in domain
    assert "karolinska" not in domain
