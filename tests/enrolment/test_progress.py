"""Progress and completion: modules done, quizzes through the signal, completion once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms import events
from lms.extensions import db
from lms.plugins.enrolment import services
from lms.plugins.enrolment.models import Completion, Enrolment, Progress
from tests.enrolment.conftest import module, pass_quiz, quiz_of, render_panel


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def enrolled(client, auth, learner, open_course):
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    return db.session.scalar(select(Enrolment))


def test_mark_reading_module_done(client, enrolled, open_course):
    response = client.post("/courses/open-course/module-1/complete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Module marked as done." in page
    assert "Done ✓" in page
    row = db.session.scalar(select(Progress))
    assert (row.module_id, row.source, row.enrolment_id) == (
        module(open_course, 1).id,
        "reading",
        enrolled.id,
    )
    again = client.post("/courses/open-course/module-1/complete", follow_redirects=True)
    assert "This module was already done." in again.get_data(as_text=True)
    assert count(Progress) == 1


def test_module_with_a_quiz_cannot_be_marked_done(client, enrolled):
    response = client.post("/courses/open-course/module-2/complete", follow_redirects=True)
    assert "This module is done when its quiz is passed." in response.get_data(as_text=True)
    assert count(Progress) == 0


def test_not_enrolled_cannot_mark_done(client, auth, make_user, open_course):
    auth.login(make_user())
    response = client.post("/courses/open-course/module-1/complete", follow_redirects=True)
    assert "Enrol in the course first." in response.get_data(as_text=True)
    assert count(Progress) == 0


def test_unknown_module_is_404(client, enrolled):
    assert client.post("/courses/open-course/module-9/complete").status_code == 404


def test_module_panel_shows_quiz_link_and_done_state(app, client, enrolled, learner, open_course):
    m2 = module(open_course, 2)
    payload = events.ModulePage(
        learner.id, open_course.course_id, open_course.id, m2.id, "open-course", m2.slug
    )
    html = render_panel(app, learner, events.module_page_panels, payload)
    assert f'href="/courses/open-course/quiz/{quiz_of(m2).slug}/"' in html
    assert "Take the quiz" in html
    assert "Mark as done" not in html
    assert "Done ✓" not in html
    pass_quiz(learner, open_course, m2)
    html = render_panel(app, learner, events.module_page_panels, payload)
    assert "Done ✓" in html
    m1 = module(open_course, 1)
    reading = events.ModulePage(
        learner.id, open_course.course_id, open_course.id, m1.id, "open-course", m1.slug
    )
    html = render_panel(app, learner, events.module_page_panels, reading)
    assert "Mark as done" in html
    assert 'action="/courses/open-course/module-1/complete"' in html


def test_course_completes_once_with_the_quiz_score(
    client, enrolled, learner, open_course, completed_events
):
    client.post("/courses/open-course/module-1/complete")
    pass_quiz(learner, open_course, module(open_course, 2), score=75.0)
    assert completed_events == []
    response = client.post("/courses/open-course/module-3/complete", follow_redirects=True)
    assert "You have completed Open Course." in response.get_data(as_text=True)
    completion = db.session.scalar(select(Completion))
    assert completion.score_percent == 75.0
    assert len(completed_events) == 1
    payload = completed_events[0]
    assert isinstance(payload, events.CourseCompleted)
    assert (
        payload.user_id,
        payload.course_id,
        payload.version_id,
        payload.enrolment_id,
        payload.completion_id,
        payload.score_percent,
    ) == (
        learner.id,
        open_course.course_id,
        open_course.id,
        enrolled.id,
        completion.id,
        75.0,
    )
    # Repeats change nothing.
    for _ in range(3):
        client.post("/courses/open-course/module-3/complete")
        pass_quiz(learner, open_course, module(open_course, 2), score=100.0, attempt_id=2)
    assert count(Completion) == 1
    assert len(completed_events) == 1
    assert db.session.scalar(select(Completion.score_percent)) == 75.0
    page = client.get("/courses/open-course/").get_data(as_text=True)
    assert "3 of 3 modules done" in page
    assert "Completed" in page


def test_blockers_hold_completion_back(
    app, client, enrolled, learner, open_course, completed_events
):
    reasons = ["Final quiz not passed"]
    enrolment_id = enrolled.id

    def blocker(sender, payload, **_extra):
        assert payload.enrolment_id == enrolment_id
        return list(reasons)

    events.connect(app, events.completion_blockers, blocker)
    client.post("/courses/open-course/module-1/complete")
    client.post("/courses/open-course/module-3/complete")
    pass_quiz(learner, open_course, module(open_course, 2))
    assert count(Completion) == 0
    assert completed_events == []
    reasons.clear()
    client.post("/courses/open-course/module-1/complete")  # any progress re-checks
    assert count(Completion) == 1
    assert len(completed_events) == 1
    events.completion_blockers.disconnect(blocker, sender=app)


def test_quiz_passed_without_enrolment_records_nothing(learner, open_course):
    pass_quiz(learner, open_course, module(open_course, 2))
    assert count(Progress) == 0


def test_ensure_enrolment_enrols_on_open_courses_only(
    learner, open_course, key_course, assigned_course
):
    def ask(version, enrol_if_open):
        request = events.EnrolmentRequest(learner.id, version.course_id, version.id, enrol_if_open)
        return events.emit(events.ensure_enrolment, request)

    assert ask(open_course, False) == [None]
    assert count(Enrolment) == 0
    [new_id] = ask(open_course, True)
    assert new_id == db.session.scalar(select(Enrolment.id))
    assert new_id is not None
    assert ask(open_course, False) == [new_id]
    assert ask(key_course, True) == [None]
    assert ask(assigned_course, True) == [None]
    assert count(Enrolment) == 1


def test_concurrent_last_modules_complete_exactly_once(app, learner, make_course, completed_events):
    """Threads finish the last modules at the same time; one completion, one signal."""
    version = make_course("race", modules=6, quiz_modules=())
    course = services.course_by_slug("race")
    services.enrol(learner, course)
    enrolment_id = db.session.scalar(select(Enrolment.id))
    modules = [module(version, n).id for n in range(1, 7)]
    barrier = threading.Barrier(len(modules) * 2)
    errors = []

    def work(module_id):
        try:
            with app.app_context():
                from lms.content.models import Module

                enrolment = db.session.get(Enrolment, enrolment_id)
                row = db.session.get(Module, module_id)
                db.session.commit()  # no transaction (nor SQLite write lock) held while waiting
                barrier.wait(timeout=30)
                services.mark_done(enrolment, row, source="reading")
                db.session.remove()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(m,)) for m in modules * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()  # a fresh snapshot: see what the threads committed
    assert count(Progress) == 6
    assert count(Completion) == 1
    assert len(completed_events) == 1


def test_state_is_kept_within_a_get_request_only(app, make_user, open_course):
    """state_of answers a second ask from the request's memo only on GET/HEAD (which
    change nothing); after a write in a POST request the next ask sees the write."""
    from lms.plugins.enrolment import state

    learner = make_user()
    course = services.course_by_slug("open-course")
    services.enrol(learner, course)
    enrolment = services.active_enrolment(learner.id, course.id)
    with app.test_request_context("/", method="POST"):
        assert state.state_of(learner.id, course.id).done_count == 0
        services.mark_done(enrolment, open_course.modules[0], source="reading")
        assert state.state_of(learner.id, course.id).done_count == 1
    with app.test_request_context("/", method="GET"):
        first = state.state_of(learner.id, course.id)
        assert state.state_of(learner.id, course.id) is first
