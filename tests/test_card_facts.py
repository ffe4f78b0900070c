"""The catalogue's card facts (one statement, ``enrolment.badges``) say what the full
course state (``enrolment.state.states_for``, five statements) says, in every state a card
can show: enrolled, completed, assigned with or without a due date, assignment withdrawn or
met, a newer assignment after a completion, a certificate revoked (its completion no longer
counts and the assignment opens again), the course left. Issue 18."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.models import Role
from lms.plugins.certificates import services as certificates
from lms.plugins.certificates.models import Certificate
from lms.plugins.enrolment import assignments, badges, requested, services, state
from lms.plugins.enrolment.models import Assignment, Enrolment
from tests.sql import counting


def reference(user_id: int, course_ids: list[int]) -> dict[int, tuple]:
    """What the full state says: course -> (completed_at, assigned, due_on)."""
    wanted = set(course_ids)
    found = [e for e in state.load_enrolments(user_id) if e.is_active and e.course_id in wanted]
    return {
        st.enrolment.course_id: (
            st.completion.completed_at if st.completion else None,
            st.assigned,
            st.due_on,
        )
        for st in state.states_for(found)
    }


def facts(user_id: int, course_ids: list[int]) -> dict[int, tuple]:
    return {
        f.course_id: (f.completed_at, f.assigned, f.due_on)
        for f in badges.card_facts(user_id, course_ids)
    }


def first_module(version):
    return sorted(version.modules, key=lambda m: m.number)[0]


def enrolment(user, course_id):
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.user_id == user.id,
            Enrolment.course_id == course_id,
            Enrolment.status == "active",
        )
    )


def test_card_facts_agree_with_the_full_state_in_every_card_state(make_user, make_course):
    learner = make_user(centre="skane", email="learner@example.com")
    admin = make_user(role=Role.site_admin, centre="skane", email="admin@example.com")
    soon, later = date.today() + timedelta(days=10), date.today() + timedelta(days=40)
    versions = {
        name: make_course(name, modules=1, quiz_modules=())
        for name in (
            "enrolled",
            "completed",
            "assigned",
            "no-due-date",
            "withdrawn-assignment",
            "met",
            "reassigned",
            "revoked",
            "left",
            "untouched",
        )
    }
    course = {name: services.course_by_slug(name) for name in versions}
    for name in ("enrolled", "completed", "met", "reassigned", "revoked", "left"):
        services.enrol(learner, course[name])
    assignments.assign(course["assigned"], [learner], actor=admin, due_on=soon)
    assignments.assign(course["assigned"], [learner], actor=admin, due_on=later, new_due_date=True)
    assignments.assign(course["no-due-date"], [learner], actor=admin, due_on=None)
    assignments.assign(course["withdrawn-assignment"], [learner], actor=admin, due_on=soon)
    withdrawn = db.session.scalar(
        select(Assignment).where(Assignment.course_id == course["withdrawn-assignment"].id)
    )
    requested.withdraw(withdrawn, actor=admin, reason="Wrong person")
    assignments.assign(course["met"], [learner], actor=admin, due_on=soon)
    assignments.assign(course["revoked"], [learner], actor=admin, due_on=soon)
    for name in ("completed", "met", "reassigned", "revoked"):
        services.mark_done(
            enrolment(learner, course[name].id), first_module(versions[name]), source="reading"
        )
    db.session.commit()
    # After the completion: a new assignment (recertification) of a completed course.
    assignments.assign(course["reassigned"], [learner], actor=admin, due_on=later)
    services.unenrol(learner, course["left"])
    certificate = db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == learner.id, Certificate.course_id == course["revoked"].id
        )
    )
    assert certificates.revoke(certificate, admin, "Issued in error")
    db.session.commit()

    ids = sorted(c.id for c in course.values())
    learner_id = learner.id
    with counting(transaction_control=False) as sent:
        got = facts(learner_id, ids)
    assert len(sent) == 1
    assert got == reference(learner.id, ids)
    by_name = {name: got.get(course[name].id) for name in course}
    assert by_name["enrolled"] == (None, False, None)
    assert by_name["completed"][0] is not None
    assert by_name["assigned"] == (None, True, later)  # the newest open assignment's date
    assert by_name["no-due-date"] == (None, True, None)
    assert by_name["withdrawn-assignment"] == (None, False, None)
    assert by_name["met"][0] is not None
    assert by_name["met"][1] is False
    assert by_name["reassigned"][0] is not None
    assert by_name["reassigned"][1:] == (True, later)
    assert by_name["revoked"] == (None, True, soon)  # a new cycle: to be done again
    assert by_name["left"] is None
    assert by_name["untouched"] is None
    assert facts(learner.id, []) == {}


def test_the_catalogue_reads_the_cards_in_one_statement(client, auth, make_user, make_course):
    learner = make_user(centre="skane", email="learner@example.com")
    for n in range(4):
        make_course(f"course-{n}", modules=1, quiz_modules=())
    auth.login(learner)

    def catalogue_statements() -> int:
        client.get("/courses/?audience=all")
        with counting(transaction_control=False) as sent:
            page = client.get("/courses/?audience=all").get_data(as_text=True)
        return len(sent), page

    few, _ = catalogue_statements()
    for n in range(4):
        client.post(f"/courses/course-{n}/enrol")
    many, page = catalogue_statements()
    assert page.count("state-enrolled") == 4
    assert many == few
    # The user, the catalogue, the enrolment cards (one), the certificates' cards.
    assert many <= 5
