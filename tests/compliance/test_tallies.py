"""The counts kept current (compliance_tally) equal a recount from the records after every
kind of change and on every day: the centre page's digest against :func:`digest.counts`
(the full recount), the matrix's column counts against its cells over everyone."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select, update

from lms import clock as lms_clock
from lms import people
from lms.extensions import db
from lms.models import Centre, Profession, Role, User
from lms.plugins.compliance import digest, matrix, tally
from lms.plugins.compliance.models import ComplianceTally
from tests.compliance.conftest import assignments_of, complete_course, requirement_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILTERS = (
    matrix.Filters(),
    matrix.Filters(profession="nurse"),
    matrix.Filters(unit="HEMATOLOGI"),
    matrix.Filters(profession="pharmacist", unit="hematologi"),
)


def _columns(m: matrix.Matrix) -> dict:
    return {c.course_id: (c.required, c.qualified) for c in m.columns}


def _recount(m: matrix.Matrix) -> dict:
    """The column counts from the cells of everyone (the rule before the tallies)."""
    required, qualified = Counter(), Counter()
    for (_user, course_id), cell in m.cells.items():
        required[course_id] += 1
        qualified[course_id] += cell.status in matrix.QUALIFIED
    return {c.course_id: (required[c.course_id], qualified[c.course_id]) for c in m.columns}


def _agree() -> None:
    db.session.expire_all()
    assert tally.differences() == 0
    today = lms_clock.local_today()
    assert digest.kept_counts(today) == digest.counts(today), today
    for centre in db.session.scalars(select(Centre)):
        for filters in FILTERS:
            m = matrix.build(centre, filters, 0, 10_000)
            assert _columns(m) == _recount(m), (centre.slug, filters, today)
            assert m.total == len(m.people)


def _days(clock, start, days) -> None:
    for n in days:
        clock.set(start + timedelta(days=n))
        _agree()
    clock.set(start)


def test_counts_follow_every_change_and_every_day(client, auth, make_user, cart_course, clock):
    from lms.auth import services as accounts
    from lms.plugins.certificates import services as certificates
    from lms.plugins.certificates.models import Certificate
    from lms.plugins.enrolment import requested
    from lms.plugins.records import external

    clock.set("2026-03-01T08:00Z")
    start = clock.now
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    site = make_user(role=Role.site_admin, centre=None)
    nurses = [make_user(centre="karolinska", name=f"Nurse {i}") for i in range(5)]
    pia = make_user(centre="karolinska", profession=Profession.pharmacist, name="Pia")
    skane = make_user(centre="skane", name="Skåne Nurse")
    people.update(nurses[0], unit="Hematologi", actor=admin, via="admin")
    people.update(pia, unit="hematologi", actor=admin, via="admin")
    db.session.commit()
    _agree()
    requirement = requirement_for(admin, cart_course)  # assignments made: due in 30 days
    requirement_for(admin, cart_course, name="Hematology", profession=None, unit="HEMATOLOGI")
    db.session.commit()
    assert db.session.scalar(select(ComplianceTally.n).where(ComplianceTally.kind == "open"))
    _days(clock, start, (0, 17, 29, 30, 31, 45))  # due soon, due today, overdue
    karolinska = admin.centre_id
    assert digest.kept_counts(start.date())[karolinska].due_soon == 0
    assert digest.kept_counts(start.date() + timedelta(days=20))[karolinska].due_soon == 6
    assert digest.kept_counts(start.date() + timedelta(days=31))[karolinska].overdue == 6
    complete_course(client, auth, nurses[0])  # completed: a certificate valid 24 months
    complete_course(client, auth, skane)
    _agree()
    external.record(
        admin,
        nurses[1],
        course=cart_course.course,
        title=None,
        provider=None,
        completed_on=date(2026, 2, 1),
        valid_until=date(2026, 3, 20),
        evidence=external.Evidence(PDF, "e.pdf"),
        reason="Shown",
    )
    db.session.commit()
    _days(clock, start, (0, 19, 20, 40))  # held outside until the 20th, then open again
    _days(clock, start, (700, 720, 731, 732))  # the certificate expiring, expired
    (assignment,) = [a for a in assignments_of(nurses[2]) if a.withdrawn_at is None][:1]
    requested.withdraw(assignment, actor=admin, reason="Left the unit")  # withdrawn
    db.session.commit()
    _agree()
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == nurses[0].id))
    assert certificates.revoke(cert, site, "Issued in error")  # revoked
    db.session.commit()
    _days(clock, start, (0, 40))
    nurses[3].centre_id = db.session.scalar(select(Centre.id).where(Centre.slug == "skane"))
    db.session.commit()  # moved to another centre
    _agree()
    people.update(nurses[4], unit="Hematologi", actor=admin, via="admin")  # a new unit
    db.session.commit()
    _agree()
    accounts.set_active(nurses[4], False, actor=site)  # deactivated
    _agree()
    from lms.plugins.compliance import services

    services.withdraw(requirement, admin, "No longer required")  # requirement withdrawn
    _days(clock, start, (0, 40))


def test_check_finds_a_count_changed_behind_the_app_and_rebuild_mends_it(
    app, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    make_user(centre="karolinska", name="Nurse")
    requirement_for(admin, cart_course)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lms", "check-compliance"]).exit_code == 0
    db.session.execute(update(ComplianceTally).values(n=ComplianceTally.n + 1))
    db.session.execute(update(User).where(User.id == admin.id).values(unit="Behind"))
    db.session.commit()
    failed = runner.invoke(args=["lms", "check-compliance"])
    assert failed.exit_code == 1
    assert "differ from the records" in failed.output
    assert tally.differences() > 0
    rebuilt = runner.invoke(args=["lms", "rebuild-compliance"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert tally.differences() == 0
    assert runner.invoke(args=["lms", "check-compliance"]).exit_code == 0
