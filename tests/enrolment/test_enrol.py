"""Enrolling in each mode (open, key, assigned), leaving, and the key throttle."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Role
from lms.plugins.enrolment.models import Enrolment, Progress
from tests.enrolment.conftest import module


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_open_course_enrols_with_one_click(client, auth, learner, open_course):
    auth.login(learner)
    response = client.post("/courses/open-course/enrol")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/courses/open-course/")
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.user_id, enrolment.version_id, enrolment.status, enrolment.method) == (
        learner.id,
        open_course.id,
        "active",
        "open",
    )
    page = client.get("/courses/open-course/").get_data(as_text=True)
    assert "You are enrolled in Open Course." in page
    assert "0 of 3 modules done" in page


def test_enrolling_twice_stores_one_enrolment(client, auth, learner, open_course):
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    response = client.post("/courses/open-course/enrol", follow_redirects=True)
    assert "You are already enrolled in this course." in response.get_data(as_text=True)
    assert count(Enrolment) == 1


def test_enrol_needs_csrf_and_login(client, auth, learner, open_course):
    assert client.post("/courses/open-course/enrol").status_code == 302  # to the login page
    auth.login(learner)
    assert client.post("/courses/open-course/enrol", csrf=False).status_code == 400
    assert count(Enrolment) == 0


def test_unknown_course_is_404(client, auth, learner):
    auth.login(learner)
    assert client.post("/courses/nope/enrol").status_code == 404


def test_key_course_with_the_right_key(client, auth, learner, key_course):
    auth.login(learner)
    response = client.post("/courses/key-course/enrol", data={"key": " cells-2026 "})
    assert response.status_code == 302
    assert db.session.scalar(select(Enrolment.method)) == "key"


def test_key_course_with_a_wrong_or_missing_key_stores_nothing(client, auth, learner, key_course):
    auth.login(learner)
    for data in ({"key": "cells-2025"}, {}, {"key": ""}):
        response = client.post("/courses/key-course/enrol", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "The enrolment key is wrong." in page
        assert '<label for="key">Enrolment key</label>' in page
    assert count(Enrolment) == 0


def test_key_attempts_are_throttled_per_user(client, auth, learner, key_course, app):
    app.config["LMS_ENROL_KEY_LIMIT"] = "3 per minute"
    auth.login(learner)
    codes = [
        client.post("/courses/key-course/enrol", data={"key": "x"}).status_code for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]
    assert client.post("/courses/key-course/enrol", data={"key": "cells-2026"}).status_code == 429
    assert count(Enrolment) == 0


def test_app_set_key_replaces_the_front_matter_key(client, auth, make_user, learner, key_course):
    admin = make_user(role=Role.site_admin)
    auth.login(admin)
    response = client.post(
        "/centre/course-keys", data={"course": key_course.course_id, "key": "new-key-77"}
    )
    assert response.status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "enrolment.key_changed")
    )
    assert event.actor_id == admin.id
    assert "new-key-77" not in str(event.details)
    auth.logout()
    auth.login(learner)
    assert client.post("/courses/key-course/enrol", data={"key": "cells-2026"}).status_code == 422
    assert client.post("/courses/key-course/enrol", data={"key": "new-key-77"}).status_code == 302
    assert count(Enrolment) == 1


def test_course_keys_page_lists_only_an_educators_own_courses(client, auth, make_user, make_course):
    make_course("mine", modules=1, quiz_modules=(), course={"owners": ["edu@example.com"]})
    other = make_course("theirs", modules=1, quiz_modules=(), course={"owners": ["x@example.com"]})
    auth.login(make_user(role=Role.educator, email="edu@example.com"))
    page = client.get("/centre/course-keys").get_data(as_text=True)
    assert "Mine" in page
    assert "Theirs" not in page
    response = client.post(
        "/centre/course-keys", data={"course": other.course_id, "key": "abcd1234"}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_learner_cannot_set_keys(client, auth, learner, key_course):
    auth.login(learner)
    assert client.get("/centre/course-keys").status_code == 403


def test_assigned_course_refuses_self_enrolment(client, auth, learner, assigned_course):
    auth.login(learner)
    response = client.post("/courses/assigned-course/enrol", follow_redirects=True)
    assert "Your centre admin assigns this course; you cannot enrol yourself." in response.get_data(
        as_text=True
    )
    assert count(Enrolment) == 0


def test_unenrol_keeps_records_and_reenrol_restores_them(client, auth, learner, open_course):
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    client.post("/courses/open-course/module-1/complete")
    response = client.post(
        "/courses/open-course/unenrol", data={"confirm": "yes"}, follow_redirects=True
    )
    assert "You have left Open Course. Your progress is kept." in response.get_data(as_text=True)
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.status == "withdrawn"
    assert enrolment.withdrawn_at is not None
    assert count(Progress) == 1
    # Progress cannot be made while withdrawn.
    client.post("/courses/open-course/module-3/complete")
    assert count(Progress) == 1
    client.post("/courses/open-course/enrol")
    db.session.refresh(enrolment)
    assert enrolment.status == "active"
    assert count(Enrolment) == 1
    assert "1 of 3 modules done" in client.get("/courses/open-course/").get_data(as_text=True)
    actions = list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("enrolment.%"))
            .order_by(AuditEvent.id)
        )
    )
    assert actions == ["enrolment.enrolled", "enrolment.withdrawn", "enrolment.rejoined"]


def test_draft_course_cannot_be_enrolled(client, auth, learner, make_course):
    make_course("draft-course", status="draft")
    auth.login(learner)
    client.post("/courses/draft-course/enrol")
    assert count(Enrolment) == 0


def test_module_page_offers_enrol_for_open_course(app, learner, open_course):
    from lms import events
    from tests.enrolment.conftest import render_panel

    m1 = module(open_course, 1)
    payload = events.ModulePage(
        learner.id, open_course.course_id, open_course.id, m1.id, "open-course", m1.slug
    )
    html = render_panel(app, learner, events.module_page_panels, payload)
    assert 'action="/courses/open-course/enrol"' in html
    assert 'name="csrf_token"' in html
