"""Issue 17, the learner's side: finishing a course is a moment (the last quiz's result
page says the course is complete and shows the certificate), the course page's main
action is the next step, catalogue cards show my state, and after login a person with
something due lands on My courses. All plugins on, reached through URLs and signals."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.models import Role
from lms.plugins.certificates import codes
from lms.plugins.certificates.models import Certificate
from lms.plugins.enrolment.models import Assignment
from tests.quizzes.conftest import hidden, quiz_of, right_answers, wrong_answers

HREF = re.compile(r'href="([^"]+)"')


def submit(client, version, quiz, answers):
    slug = version.course.slug
    client.post(f"/courses/{slug}/quiz/{quiz.slug}/start")
    page = client.get(f"/courses/{slug}/quiz/{quiz.slug}/").get_data(as_text=True)
    response = client.post(f"/courses/{slug}/quiz/{quiz.slug}/", data={**hidden(page), **answers})
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_last_quiz_result_says_complete_and_shows_the_certificate(
    client, auth, make_user, make_course
):
    version = make_course("cell-basics", title="Cell Basics", modules=2, quiz_modules=(1, 2))
    other = make_course("other-course", title="Other Course", modules=1, quiz_modules=())
    learner = make_user(locale="en")
    auth.login(learner)
    client.post("/courses/cell-basics/enrol")
    client.post("/courses/other-course/enrol")
    first = submit(
        client, version, quiz_of(version, "module-1"), right_answers(quiz_of(version, "module-1"))
    )
    assert "You have completed the course" not in first
    assert "Your certificate" not in first
    failed = submit(
        client, version, quiz_of(version, "module-2"), wrong_answers(quiz_of(version, "module-2"))
    )
    assert "You have completed the course" not in failed
    last = submit(
        client, version, quiz_of(version, "module-2"), right_answers(quiz_of(version, "module-2"))
    )
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    shown = codes.display(certificate.code)
    assert "You have completed the course" in last
    assert "Cell Basics" in last
    assert f'href="/certificates/{shown}"' in last
    assert f'href="/certificates/{shown}.pdf"' in last
    assert f"/certificates/{shown}</a>" in last  # the address to share, written out
    # What is next: the other course in progress, My courses, the catalogue.
    assert "What is next" in last
    assert 'href="/courses/other-course/module-1/"' in last
    assert 'href="/me/"' in last
    assert other is not None

    course_page = client.get("/courses/cell-basics/").get_data(as_text=True)
    assert "Your certificate" in course_page
    assert f'href="/certificates/{shown}"' in course_page
    assert f'href="/certificates/{shown}.pdf"' in course_page


def test_course_page_main_action_is_the_next_step_and_leave_is_secondary(
    client, auth, make_user, make_course
):
    make_course("steps", modules=3, quiz_modules=())
    auth.login(make_user())
    before = client.get("/courses/steps/").get_data(as_text=True)
    assert 'class="button main-action"' in before  # enrol
    client.post("/courses/steps/enrol")
    page = client.get("/courses/steps/").get_data(as_text=True)
    main = re.search(r'<a class="button main-action" href="([^"]+)">\s*([^<]+?)\s*</a>', page)
    assert main.groups() == ("/courses/steps/module-1/", "Start the course")
    assert page.index("main-action") < page.index('action="/courses/steps/unenrol"')
    secondary = page[page.index('class="secondary-actions"') :]
    assert 'action="/courses/steps/unenrol"' in secondary
    client.post("/courses/steps/module-1/complete")
    page = client.get("/courses/steps/").get_data(as_text=True)
    main = re.search(r'<a class="button main-action" href="([^"]+)">\s*([^<]+?)\s*</a>', page)
    assert main.groups() == ("/courses/steps/module-2/", "Continue the course")


def test_catalogue_cards_show_my_state(client, auth, make_user, make_course, app):
    make_course(
        "done-course",
        title="Done Course",
        modules=1,
        quiz_modules=(),
        course={"certificate_valid_months": 1},
    )
    make_course("working-course", title="Working Course", modules=2, quiz_modules=())
    assigned = make_course("due-course", title="Due Course", modules=1, quiz_modules=())
    make_course("untouched-course", title="Untouched Course", modules=1, quiz_modules=())
    admin = make_user(role=Role.centre_admin, centre="skane")
    learner = make_user(centre="skane", locale="en")
    auth.login(admin)
    due = date.today() + timedelta(days=20)
    client.post(
        "/centre/assignments",
        data={
            "course": assigned.course_id,
            "target": "person",
            "person": learner.id,
            "due_on": due.isoformat(),
        },
    )
    assert db.session.scalar(select(Assignment.due_on)) == due
    auth.logout()
    auth.login(learner)
    client.post("/courses/done-course/enrol")
    client.post("/courses/done-course/module-1/complete")
    client.post("/courses/working-course/enrol")
    page = client.get("/courses/?audience=all").get_data(as_text=True)

    def card(title):
        return next(c for c in page.split('<li class="card">')[1:] if f">{title}</a>" in c)

    cards = {
        t: card(t) for t in ("Done Course", "Working Course", "Due Course", "Untouched Course")
    }
    assert "state-completed" in cards["Done Course"]
    assert "state-expiring" in cards["Done Course"]  # valid one month: within the warning days
    assert "Certificate valid until" in cards["Done Course"]
    assert "state-enrolled" in cards["Working Course"]
    assert "state-completed" not in cards["Working Course"]
    assert "state-assigned" in cards["Due Course"]
    assert "to be done by" in cards["Due Course"]
    assert "card-state" not in cards["Untouched Course"]
    auth.logout()
    assert "card-state" not in client.get("/courses/?audience=all").get_data(as_text=True)


def test_after_login_a_person_with_something_due_lands_on_my_courses(
    client, auth, make_user, make_course
):
    assigned = make_course("due-course", modules=1, quiz_modules=())
    admin = make_user(role=Role.centre_admin, centre="skane")
    learner = make_user(centre="skane")
    idle = make_user(centre="skane")
    auth.login(admin)
    client.post(
        "/centre/assignments",
        data={"course": assigned.course_id, "target": "person", "person": learner.id},
    )
    auth.logout()
    assert auth.login(learner).headers["Location"] == "/me/"
    auth.logout()
    assert auth.login(idle).headers["Location"] == "/"
    auth.logout()
    # A `next` wins.
    response = auth.login(learner, query_string={"next": "/courses/"})
    assert response.headers["Location"] == "/courses/"
    # Once the assigned course is complete, the catalogue again.
    client.post("/courses/due-course/module-1/complete")
    auth.logout()
    assert auth.login(learner).headers["Location"] == "/"


MAIN = re.compile(r'<a class="button main-action" href="([^"]+)">\s*([^<]+?)\s*</a>')


def test_main_action_continues_from_every_state_never_start_once_begun(
    client, auth, make_user, make_course
):
    """Issue 23: read module 1 and failed its quiz is a started course: the main button
    says continue and leads to the quiz, in either language; every state of the button."""
    version = make_course(
        "states", title="States", modules=2, quiz_modules=(1,), final_quiz=True, swedish=True
    )
    learner = make_user(locale="sv")
    auth.login(learner)
    client.post("/courses/states/enrol")
    page = client.get("/courses/states/").get_data(as_text=True)
    assert MAIN.search(page).groups() == ("/courses/states/module-1/", "Börja kursen")

    client.get("/courses/states/module-1/")  # read module 1 (nothing is stored)
    failed = submit(
        client, version, quiz_of(version, "module-1"), wrong_answers(quiz_of(version, "module-1"))
    )
    assert "Börja kursen" not in failed
    page = client.get("/courses/states/").get_data(as_text=True)
    assert MAIN.search(page).groups() == ("/courses/states/quiz/module-1/", "Fortsätt kursen")
    learner.locale = "en"
    db.session.commit()
    page = client.get("/courses/states/").get_data(as_text=True)
    assert MAIN.search(page).groups() == ("/courses/states/quiz/module-1/", "Continue the course")

    submit(
        client, version, quiz_of(version, "module-1"), right_answers(quiz_of(version, "module-1"))
    )
    page = client.get("/courses/states/").get_data(as_text=True)
    assert MAIN.search(page).groups() == ("/courses/states/module-2/", "Continue the course")

    client.post("/courses/states/module-2/complete")
    page = client.get("/courses/states/").get_data(as_text=True)  # only the final quiz left
    assert MAIN.search(page).groups() == ("/courses/states/quiz/final/", "Continue the course")
    assert "Final quiz" in page[page.index("main-action") :]

    submit(client, version, quiz_of(version, "final"), right_answers(quiz_of(version, "final")))
    page = client.get("/courses/states/").get_data(as_text=True)
    assert MAIN.search(page) is None  # completed: nothing left to do
    assert "Completed" in page
