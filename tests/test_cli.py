"""``flask lms create-admin`` and ``flask lms seed-demo``."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role, User


def test_create_admin(runner):
    result = runner.invoke(
        args=[
            "lms",
            "create-admin",
            "--email",
            "Chief@Example.com",
            "--name",
            "Chief Admin",
            "--password",
            "a long admin passphrase",
            "--centre",
            "umea",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "chief@example.com"))
    assert user.roles == {Role.learner, Role.site_admin}
    assert user.centre.slug == "umea"


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=[
            "lms",
            "create-admin",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--password",
            "password",
        ]
    )
    assert result.exit_code != 0
    assert "Lösenordet är för vanligt" in result.output  # the default locale is Swedish
    assert db.session.scalar(select(User)) is None


def test_create_admin_refuses_an_existing_email(runner, make_user):
    make_user(email="taken@example.com")
    result = runner.invoke(
        args=[
            "lms",
            "create-admin",
            "--email",
            "TAKEN@example.com",
            "--name",
            "A",
            "--password",
            "a long admin passphrase",
        ]
    )
    assert result.exit_code != 0
    assert "exists already" in result.output


def test_seed_demo_refused_outside_demo_mode(runner):
    result = runner.invoke(args=["lms", "seed-demo"])
    assert result.exit_code != 0
    assert "demo mode is off" in result.output
    assert db.session.scalar(select(User)) is None


def test_seed_demo_makes_one_account_per_role_and_is_idempotent(app, runner):
    app.config["LMS_DEMO"] = True
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    users = db.session.scalars(select(User)).all()
    assert len(users) == 5
    assert {role for u in users for role in u.roles} == set(Role)
    assert sum(u.roles == {Role.learner} for u in users) == 2  # the nurse and the pharmacist
    assert all(len(u.roles) <= 2 for u in users)  # one role each beyond learner
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.registered"))


SWEDISH_PAGES = ["/centre/members", "/centre/matrix", "/centre/people", "/centre/assignments"]


def test_seed_demo_plays_what_each_role_finds_through_the_pages(app, runner, auth, client):
    """With courses loaded, seed-demo gives the demo accounts real records, made by the
    pages people use: a certificate, progress, an assignment, a request to join."""
    from pathlib import Path

    from lms.content.sync import sync_courses
    from lms.plugins.certificates.models import Certificate
    from lms.plugins.enrolment.models import Assignment

    app.config["LMS_DEMO"] = True
    sync_courses(Path(__file__).resolve().parents[1] / "courses")
    first = runner.invoke(args=["lms", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "nurse@example.com completed car-t-nursing" in first.output
    nurse = db.session.scalar(select(User).where(User.email == "nurse@example.com"))
    pharmacist = db.session.scalar(select(User).where(User.email == "pharmacist@example.com"))
    certificates = db.session.scalars(select(Certificate)).all()
    assert [c.user_id for c in certificates] == [nurse.id]
    assigned = db.session.scalars(select(Assignment)).all()
    assert [a.user_id for a in assigned] == [pharmacist.id]
    assert assigned[0].due_on is not None

    again = runner.invoke(args=["lms", "seed-demo"])
    assert again.exit_code == 0
    assert "demo activity" not in again.output
    assert len(db.session.scalars(select(Certificate)).all()) == 1

    auth.login("centre-admin@example.com", "demo-atmp-2026")
    members = client.get("/centre/members").get_data(as_text=True)
    assert "Olle Olsson (demo)" in members
    matrix = client.get("/centre/matrix").get_data(as_text=True)
    assert "Nora Nyström (demo)" in matrix
    # Issue 23: the centres are Swedish, so is what their people typed in the demo: the
    # requirement's name and reason (the admin's own words, stored as typed), the names.
    sv = {"Accept-Language": "sv"}
    requirements = client.get("/centre/requirements", headers=sv).get_data(as_text=True)
    assert '<html lang="sv">' in requirements
    assert "CAR-T-behörighet (sjuksköterskor)" in requirements
    assert "Sjuksköterskor som vårdar CAR-T-patienter" in requirements
    from lms.plugins.compliance.models import Requirement

    assert db.session.scalars(select(Requirement.name)).all() == [
        "CAR-T-behörighet (sjuksköterskor)"
    ]
    pages = [client.get(url, headers=sv).get_data(as_text=True) for url in SWEDISH_PAGES]
    for page in [requirements, *pages]:
        for english in ("qualification", "Nurse (demo)", "Pharmacist (demo)", "Centre Admin"):
            assert english not in page, english
    auth.logout()
    auth.login("nurse@example.com", "demo-atmp-2026")
    assert "/certificates/" in client.get("/me/").get_data(as_text=True)
