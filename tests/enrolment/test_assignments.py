"""Centre admins assign courses to their own staff, with due dates; never other centres'."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Profession, Role
from lms.plugins.enrolment.models import Assignment, Enrolment


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assign(client, course, **data):
    return client.post("/centre/assignments", data={"course": course.course_id, **data})


def test_assign_one_person_with_due_date(client, auth, make_user, assigned_course):
    admin = make_user(role=Role.centre_admin, centre="skane")
    nurse = make_user(centre="skane", name="Åsa Öberg")
    auth.login(admin)
    page = client.get("/centre/assignments").get_data(as_text=True)
    assert "Åsa Öberg" not in page  # the picker searches; it does not list everyone
    page = client.get("/centre/assignments?person_q=%C3%A5sa").get_data(as_text=True)
    assert f'<option value="{nurse.id}">Åsa Öberg' in page
    assert "<legend>Assign to</legend>" in page
    due = date.today() + timedelta(days=30)
    response = assign(
        client, assigned_course, target="person", person=nurse.id, due_on=due.isoformat()
    )
    assert response.status_code == 302
    stored = db.session.scalar(select(Assignment))
    assert (stored.user_id, stored.due_on, stored.assigned_by_id, stored.centre_id) == (
        nurse.id,
        due,
        admin.id,
        nurse.centre_id,
    )
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.user_id, enrolment.method, enrolment.enrolled_by_id) == (
        nurse.id,
        "assigned",
        admin.id,
    )
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == admin.id))
    )
    assert {"enrolment.assigned", "enrolment.enrolled"} <= actions
    listing = client.get("/centre/assignments").get_data(as_text=True)
    assert "Åsa Öberg" in listing
    assert "Open" in listing


def test_assign_by_profession_and_everyone_takes_only_own_centre(
    client, auth, make_user, assigned_course
):
    auth.login(make_user(role=Role.centre_admin, centre="skane", profession=Profession.other))
    nurses = [make_user(centre="skane") for _ in range(2)]
    make_user(centre="skane", profession=Profession.pharmacist)
    make_user(centre="karolinska")  # another centre: never touched
    assign(client, assigned_course, target="profession", profession="nurse")
    assert set(db.session.scalars(select(Assignment.user_id))) == {n.id for n in nurses}
    response = assign(client, assigned_course, target="everyone")
    assert "Assigned to 2 people (2 already had it); 2 newly enrolled." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    centres = set(db.session.scalars(select(Assignment.centre_id)))
    assert len(centres) == 1
    assert count(Assignment) == 4  # 2 nurses + pharmacist + the admin, each once
    assert count(Enrolment) == 4


def test_reassigning_keeps_the_open_assignment_unless_asked(
    client, auth, make_user, assigned_course
):
    admin = make_user(role=Role.centre_admin, centre="skane")
    nurse = make_user(centre="skane")
    auth.login(admin)
    first = date.today() + timedelta(days=10)
    later = date.today() + timedelta(days=40)
    assign(client, assigned_course, target="person", person=nurse.id, due_on=first.isoformat())
    assign(client, assigned_course, target="person", person=nurse.id, due_on=later.isoformat())
    assert list(db.session.scalars(select(Assignment.due_on))) == [first]
    assign(
        client,
        assigned_course,
        target="person",
        person=nurse.id,
        due_on=later.isoformat(),
        new_due_date="y",
        reason="The ward closed for a month",  # required when a due date is changed
    )
    assert list(db.session.scalars(select(Assignment.due_on).order_by(Assignment.id))) == [
        first,
        later,
    ]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "enrolment.due_date_changed")
    )
    assert event.details["due_on"] == later.isoformat()
    assert event.details["previous_due_on"] == first.isoformat()
    assert event.details["reason"] == "The ward closed for a month"


def test_person_picker_searches_name_or_email_at_the_centre_only(client, auth, make_user):
    admin = make_user(role=Role.centre_admin, centre="skane")
    here = make_user(centre="skane", name="Örjan Ek", email="orjan.ek@sus.example")
    make_user(centre="skane", name="Per Ek", email="per@sus.example", active=False)
    make_user(centre="umea", name="Örjan Umeå", email="orjan@umea.example")
    auth.login(admin)
    for term in ("ÖRJAN", "orjan.ek@", "ek@sus"):
        page = client.get("/centre/assignments", query_string={"person_q": term}).get_data(
            as_text=True
        )
        assert f'<option value="{here.id}">Örjan Ek (orjan.ek@sus.example)</option>' in page
        assert "Umeå" not in page
        assert "Per Ek" not in page
    page = client.get("/centre/assignments?person_q=100%25_").get_data(as_text=True)
    assert "0 people at the centre match" in page


def test_centre_admin_cannot_assign_another_centres_person(
    client, auth, make_user, assigned_course
):
    auth.login(make_user(role=Role.centre_admin, centre="skane"))
    stranger = make_user(centre="karolinska", name="Karl Stranger")
    assert "Karl Stranger" not in client.get("/centre/assignments").get_data(as_text=True)
    response = assign(client, assigned_course, target="person", person=stranger.id)
    assert response.status_code == 403
    assert count(Assignment) == 0
    assert count(Enrolment) == 0
    # The centre parameter is for site admins only.
    page = client.get("/centre/assignments?centre=karolinska").get_data(as_text=True)
    assert "Skånes universitetssjukhus" in page
    assert "Karl Stranger" not in page


def test_site_admin_picks_a_centre(client, auth, make_user, assigned_course):
    auth.login(make_user(role=Role.site_admin, centre=None))
    person = make_user(centre="umea", name="Ulla Umeå")
    page = client.get("/centre/assignments?centre=umea&person_q=ulla").get_data(as_text=True)
    assert '<label for="centre-picker">Centre</label>' in page
    assert '<input type="hidden" name="centre" value="umea">' in page  # the search stays there
    assert "Ulla Umeå" in page
    response = client.post(
        "/centre/assignments?centre=umea",
        data={"course": assigned_course.course_id, "target": "person", "person": person.id},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Assignment.user_id)) == person.id


def test_learner_and_educator_cannot_open_centre_pages(client, auth, make_user):
    for role in (Role.learner, Role.educator):
        auth.login(make_user(role=role))
        assert client.get("/centre/assignments").status_code == 403
        assert client.get("/centre/import").status_code == 403
        auth.logout()


def test_overdue_assignment_on_dashboard(client, auth, make_user, assigned_course):
    admin = make_user(role=Role.centre_admin, centre="skane")
    nurse = make_user(centre="skane")
    auth.login(admin)
    past = date.today() - timedelta(days=3)
    assign(client, assigned_course, target="person", person=nurse.id, due_on=past.isoformat())
    assert "Overdue" in client.get("/centre/assignments").get_data(as_text=True)
    auth.logout()
    auth.login(nurse)
    page = client.get("/me/").get_data(as_text=True)
    assert "Overdue" in page
    assert "Due " in page
    # An assigned course cannot be left while the assignment is open.
    response = client.post("/courses/assigned-course/unenrol", follow_redirects=True)
    assert "you cannot leave it" in response.get_data(as_text=True)
    assert db.session.scalar(select(Enrolment.status)) == "active"
    client.post("/courses/assigned-course/module-1/complete")
    page = client.get("/me/").get_data(as_text=True)
    assert "Overdue" not in page
    assert "Completed" in page


def test_the_assignment_page_has_no_two_fields_with_one_id(client, auth, make_user, open_course):
    """The due-date form and the withdrawal form both have a reason: each its own id, so
    a label leads to its own field (WCAG 1.3.1, 4.1.1)."""
    import re

    from lms.plugins.enrolment import assignments, services

    admin = make_user(role=Role.centre_admin)
    learner = make_user()
    course = services.course_by_slug("open-course")
    assignments.assign(course, [learner], actor=admin, due_on=None)
    db.session.commit()
    row = db.session.scalar(select(Assignment))
    auth.login(admin)
    page = client.get(f"/centre/assignments/{row.id}").get_data(as_text=True)
    # (Each form's hidden CSRF field is "csrf_token": hidden, never labelled or focused.)
    ids = [i for i in re.findall(r'\bid="([^"]+)"', page) if i != "csrf_token"]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert 'for="withdraw-reason"' in page


def test_assigned_message_in_swedish_reads_right_for_one(client, auth, make_user, open_course):
    """ "1 nyanmälda" was Swedish for one person newly enrolled; the count now stands after
    the word, which reads right for any number."""
    admin = make_user(role=Role.centre_admin, locale="sv")
    learner = make_user(name="Lisa Lärare", email="lisa@example.com")
    from lms.plugins.enrolment import services

    auth.login(admin)
    course = services.course_by_slug("open-course")
    response = client.post(
        "/centre/assignments",
        data={"course": course.id, "target": "person", "person": learner.id, "lang": "sv"},
        headers={"Accept-Language": "sv"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "nyanmälda: 1." in page
    assert "1 nyanmälda" not in page
    assert "Anmäl personer från en personalfil (Excel eller CSV)" in page
