"""/me/ and the course panel: the right state for each course, and a constant query count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import events
from lms.extensions import db
from lms.plugins.enrolment import services
from lms.plugins.enrolment.models import Enrolment
from tests.enrolment.conftest import module, pass_quiz, render_panel
from tests.sql import counting


def test_dashboard_shows_progress_next_module_and_completions(
    client, auth, learner, open_course, make_course
):
    make_course("second", modules=2, quiz_modules=())
    auth.login(learner)
    empty = client.get("/me/").get_data(as_text=True)
    assert "You are not working on any course." in empty
    client.post("/courses/open-course/enrol")
    client.post("/courses/second/enrol")
    client.post("/courses/open-course/module-1/complete")
    for slug in ("module-1", "module-2"):
        client.post(f"/courses/second/{slug}/complete")
    page = client.get("/me/").get_data(as_text=True).split("<h1>My courses</h1>")[1]
    working, completed = page.split('id="completed-title"')
    assert "Open Course" in working
    assert "1 of 3 modules done" in working
    assert '<progress max="3" value="1"' in working
    assert 'Next module: <a href="/courses/open-course/module-2/">Module 2</a>' in working
    assert "Second" not in working
    assert "Second" in completed
    assert "1.0.0" in completed
    assert '<th scope="col">Completed on</th>' in completed


def test_dashboard_hosts_other_plugins_panels(app, client, auth, learner):
    from markupsafe import Markup

    def panel(sender, payload, **_extra):
        return Markup(f"<section><h2>Certificates of {payload.user_id}</h2></section>")

    events.connect(app, events.dashboard_panels, panel)
    auth.login(learner)
    assert f"Certificates of {learner.id}" in client.get("/me/").get_data(as_text=True)
    events.dashboard_panels.disconnect(panel, sender=app)


def test_dashboard_shows_only_my_own_courses(client, auth, make_user, learner, open_course):
    other = make_user(name="Olle Other")
    services.enrol(other, services.course_by_slug("open-course"))
    auth.login(learner)
    page = client.get("/me/").get_data(as_text=True)
    assert "Open Course" not in page


def test_course_panel_for_visitor_learner_key_and_assigned_course(
    app, learner, open_course, key_course, assigned_course
):
    def panel(user, version, slug):
        payload = events.CoursePage(user.id if user else None, version.course_id, version.id, slug)
        return render_panel(app, user, events.course_page_panels, payload)

    visitor = panel(None, open_course, "open-course")
    assert "Log in to enrol" in visitor
    assert "/auth/login?next=/courses/open-course/" in visitor
    page = panel(learner, key_course, "key-course")
    assert '<label for="enrolment-key">Enrolment key</label>' in page
    assert 'id="enrolment-key" name="key"' in page
    page = panel(learner, open_course, "open-course")
    assert 'action="/courses/open-course/enrol"' in page
    assert "Enrolment key" not in page
    page = panel(learner, assigned_course, "assigned-course")
    assert "Your centre admin assigns this course" in page
    assert "<form" not in page


def _count_queries(client, url: str) -> int:
    """Statements of a request with the per-process version caches warm (issue 18: a
    version's outline is read once per process, in one batch for all that miss)."""
    client.get(url)
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("url", ["/me/", "/centre/assignments"])
def test_query_count_does_not_grow_with_rows(client, auth, make_user, make_course, url):
    from lms.models import Role

    learner = make_user(centre="skane")
    admin = make_user(role=Role.centre_admin, centre="skane")

    def add_courses(first: int, last: int):
        for n in range(first, last):
            version = make_course(f"course-{n}", modules=3, quiz_modules=(2,))
            course = services.course_by_slug(f"course-{n}")
            services.enrol(learner, course)
            enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id))
            services.mark_done(enrolment, module(version, 1), source="reading")
            pass_quiz(learner, version, module(version, 2))
            from lms.plugins.enrolment import assignments

            assignments.assign(course, [learner], actor=admin, due_on=None)

    add_courses(0, 2)
    auth.login(admin if url.startswith("/centre") else learner)
    few = _count_queries(client, url)
    add_courses(2, 8)
    many = _count_queries(client, url)
    assert many == few, (few, many)


def test_personal_data_download_lists_my_enrolments(client, auth, learner, open_course):
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    client.post("/courses/open-course/module-1/complete")
    data = client.post("/auth/my-data.json").get_json()
    [entry] = data["enrolments"]
    assert entry["course"] == "open-course"
    assert entry["modules_done"] == ["module-1"]
    assert entry["status"] == "active"
    assert entry["completions"] == []
