"""Enrolment keys set in the app (issue 12, §3 and §4).

The course file decides who may enrol (``enrolment: open | key | assigned``); a key set in
the app only replaces the key of a key course (to change a leaked key without a new
version). So a key for an open or assigned course is refused with the reason, instead of
"saved" and nothing happening. Keys are compared as people see them (NFC).
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Role
from lms.plugins.enrolment.models import CourseKey, Enrolment


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(client, auth, make_user):
    user = make_user(role=Role.site_admin)
    auth.login(user)
    return user


@pytest.mark.parametrize("fixture", ["open_course", "assigned_course"])
def test_a_key_for_a_course_without_keys_is_refused_with_the_reason(
    request, client, admin, fixture
):
    version = request.getfixturevalue(fixture)
    response = client.post(
        "/centre/course-keys", data={"course": version.course_id, "key": "secret-2026"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"its course.md says “enrolment: {version.enrolment}”" in page
    assert "The enrolment key is saved." not in page
    assert count(CourseKey) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "enrolment.key_changed")) == 0  # fmt: skip


def test_an_old_key_of_an_open_course_may_still_be_removed(client, admin, open_course):
    from lms.plugins.enrolment.keys import set_app_key

    set_app_key(open_course.course, "left-over", actor=admin)
    response = client.post(
        "/centre/course-keys", data={"course": open_course.course_id, "clear": "y"}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(CourseKey.key_hash).order_by(CourseKey.id)).all()[-1] is None


def test_keys_match_whichever_way_a_keyboard_writes_the_letters(
    client, auth, make_user, make_course
):
    make_course(
        "nyckel",
        modules=1,
        quiz_modules=(),
        course={"enrolment": "key", "enrolment_key": unicodedata.normalize("NFD", "Kylbox-Å")},
    )
    auth.login(make_user())
    response = client.post("/courses/nyckel/enrol", data={"key": "Kylbox-Å"})
    assert response.status_code == 302
    assert count(Enrolment) == 1


def test_an_app_key_typed_decomposed_matches_a_composed_one(
    client, auth, admin, make_user, key_course
):
    key = unicodedata.normalize("NFD", "Förvaring-77")
    assert (
        client.post(
            "/centre/course-keys", data={"course": key_course.course_id, "key": key}
        ).status_code
        == 302
    )
    auth.logout()
    auth.login(make_user())
    response = client.post("/courses/key-course/enrol", data={"key": "Förvaring-77"})
    assert response.status_code == 302
    assert count(Enrolment) == 1
