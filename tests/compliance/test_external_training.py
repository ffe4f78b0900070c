"""Training done elsewhere (the records plugin) counts towards requirements like our own
certificates: not assigned, valid (external) on the matrix and its exports, satisfies an
open assignment, silences its reminders; an expired or free-text record counts as nothing."""

from __future__ import annotations

import csv
import io

from lms.extensions import db
from lms.models import Profession, Role
from lms.plugins.records import external
from tests.compliance.conftest import assignments_of, requirement_for
from tests.mailbox import queued

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _record_outside(client, person, course, valid_until="2028-01-15", **fields):
    """The centre admin (logged in) records outside training through the page."""
    form = {
        "person": str(person.id),
        "course": str(course.course_id) if course else "",
        "title": "" if course else "GMP course at another hospital",
        "provider": "Manufacturer",
        "completed_on": "2026-01-15",
        "valid_until": valid_until,
        "reason": "Certificate shown by the nurse",
        "evidence": (io.BytesIO(PDF), "evidence.pdf"),
        **fields,
    }
    response = client.post("/records/external", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)


def _csv(client) -> dict[str, str]:
    """Name -> the first course's cell of the matrix CSV."""
    text = client.get("/centre/matrix.csv").get_data().decode("utf-8").lstrip("\ufeff")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    return {row[0]: row[4] for row in table[1:]}


def test_an_outside_record_counts_towards_a_requirement(
    client, auth, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    outside = make_user(centre="karolinska", name="Olga Outside")
    plain = make_user(centre="karolinska", name="Pelle Plain")
    auth.login(admin)
    _record_outside(client, outside, cart_course)
    requirement_for(admin, cart_course)
    assert assignments_of(outside) == []  # held through outside training: not asked again
    assert len(assignments_of(plain)) == 1
    page = client.get("/centre/matrix").get_data(as_text=True)
    assert "1 of 2 hold it" in page
    assert "External" in page
    assert "15 Jan 2028" in page
    cells = _csv(client)
    assert cells["Olga Outside"] == "Valid (external) until 2028-01-15"
    assert cells["Pelle Plain"].startswith("Due")
    clock.set("2027-12-20T08:00Z")  # within 30 days of its valid_until
    assert _csv(client)["Olga Outside"] == "Expiring (external) until 2028-01-15"
    clock.set("2028-01-20T08:00Z")  # ran out: it counts as nothing
    assert "external" not in _csv(client)["Olga Outside"]
    clock.set("2026-03-01T08:00Z")
    admin.locale = "sv"
    db.session.commit()
    assert "Extern" in client.get("/centre/matrix").get_data(as_text=True)
    assert _csv(client)["Olga Outside"].startswith("Giltig (extern) till")


def test_an_expired_or_free_text_outside_record_does_not_count(
    client, auth, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    expired = make_user(centre="karolinska", name="Erik Expired")
    free_text = make_user(centre="karolinska", name="Frida Free")
    auth.login(admin)
    _record_outside(client, expired, cart_course, valid_until="2026-02-28")
    _record_outside(client, free_text, None)
    requirement_for(admin, cart_course)
    assert len(assignments_of(expired)) == 1
    assert len(assignments_of(free_text)) == 1
    assert "External" not in client.get("/centre/matrix").get_data(as_text=True)
    cells = _csv(client)
    assert cells["Erik Expired"].startswith("Due")
    assert cells["Frida Free"].startswith("Due")


def test_a_record_after_the_assignment_satisfies_it_and_stops_reminders(
    client, auth, runner, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    covered = make_user(centre="karolinska", name="Cora Covered", locale="en")
    open_ = make_user(centre="karolinska", name="Otto Open", locale="en")
    requirement_for(admin, cart_course)  # both assigned, due 2026-03-31
    assert len(assignments_of(covered)) == 1
    auth.login(admin)
    _record_outside(client, covered, cart_course, valid_until="")  # no expiry
    assert _csv(client)["Cora Covered"] == "Valid (external)"
    clock.set("2026-03-24T08:00Z")  # 7 days left
    output = runner.invoke(args=["lms", "send-reminders"]).output
    assert f"due-7 to {open_.email}" in output
    assert covered.email not in output
    clock.set("2026-04-01T08:00Z")  # overdue for the one without
    output = runner.invoke(args=["lms", "send-reminders"]).output
    assert f"overdue to {open_.email}" in output
    assert covered.email not in output
    assert [m.subject for m in queued(covered.email)] == ["Training assigned: CAR-T nursing"]
    cells = _csv(client)
    assert cells["Cora Covered"] == "Valid (external)"
    assert cells["Otto Open"].startswith("Overdue")
    assert len(assignments_of(covered)) == 1  # the assignment stays, as history


def test_the_service_counts_a_record_made_directly(make_user, cart_course, clock):
    """The same rule through the records service (no page): holders sees it."""
    from datetime import date

    from lms.plugins.compliance import records

    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    nurse = make_user(centre="karolinska")
    external.record(
        admin,
        nurse,
        course=cart_course.course,
        title=None,
        provider=None,
        completed_on=date(2026, 2, 1),
        valid_until=date(2026, 3, 1),
        evidence=external.Evidence(PDF, "e.pdf"),
        reason="Shown",
    )
    db.session.commit()
    course_id = cart_course.course_id
    assert records.holders([nurse.id], course_id, date(2026, 3, 1)) == {nurse.id}
    assert records.holders([nurse.id], course_id, date(2026, 3, 2)) == set()


def test_an_expiring_outside_record_is_recertified_once(
    client, auth, runner, make_user, cart_course, clock
):
    clock.set("2026-03-01T08:00Z")
    admin = make_user(role=Role.centre_admin, centre="karolinska", profession=Profession.other)
    soon = make_user(centre="karolinska", name="Sara Soon", locale="en")
    later = make_user(centre="karolinska", name="Lars Later", locale="en")
    auth.login(admin)
    _record_outside(client, soon, cart_course, valid_until="2026-04-15")  # within 60 days
    _record_outside(client, later, cart_course, valid_until="2027-04-15")
    requirement_for(admin, cart_course)  # both hold it: neither is assigned
    assert assignments_of(soon) == []
    output = runner.invoke(args=["lms", "send-reminders"]).output
    assert f"recertify to {soon.id}:" in output
    assert f"recertify to {later.id}:" not in output
    (assignment,) = assignments_of(soon)
    assert str(assignment.due_on) == "2026-04-15"
    assert assignments_of(later) == []
    assert [m.subject for m in queued(soon.email)] == ["Training assigned: CAR-T nursing"]
    assert f"recertify to {soon.id}:" not in runner.invoke(args=["lms", "send-reminders"]).output
    assert len(assignments_of(soon)) == 1
    assert _csv(client)["Sara Soon"] == "Valid (external) until 2026-04-15"  # it wins
    clock.set("2026-04-16T08:00Z")  # the outside record ran out: the assignment is overdue
    assert _csv(client)["Sara Soon"].startswith("Overdue")
