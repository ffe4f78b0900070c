"""Key and assigned courses: modules only for enrolled learners, as the enrolment plugin says.

The catalogue runs alone here (``LMS_PLUGINS``), so the receivers below are the only ones.
"""

from __future__ import annotations

import pytest

from lms import events
from lms.models import Role
from tests.catalog.helpers import STAFF, role_id, text

enrolled: set[int] = set()
requests_seen: list[events.EnrolmentRequest] = []


@pytest.fixture
def config_overrides():
    return {"LMS_PLUGINS": ["catalog"]}


@pytest.fixture(autouse=True)
def _reset():
    enrolled.clear()
    requests_seen.clear()


def enrolment_receiver(sender, payload):
    requests_seen.append(payload)
    return 1000 + payload.user_id if payload.user_id in enrolled else None


def silent_receiver(sender, payload):
    return None


@pytest.fixture
def gated(make_course):
    key = make_course("keyed", course={"enrolment": "key", "enrolment_key": "sesame"})
    assigned = make_course("assigned", course={"enrolment": "assigned"})
    make_course("open-course")
    return {"keyed": key, "assigned": assigned}


@pytest.mark.parametrize("slug", ["keyed", "assigned"])
def test_not_enrolled_learner_gets_403_with_a_way_to_the_course(app, client, login_as, gated, slug):
    events.connect(app, events.ensure_enrolment, enrolment_receiver)
    user = login_as(Role.learner)
    response = client.get(f"/courses/{slug}/module-1/")
    assert response.status_code == 403
    page = text(response)
    assert "This course needs enrolment" in page
    assert f'href="/courses/{slug}/"' in page
    assert "Some reading about cell therapy" not in page
    version = gated[slug]
    assert requests_seen == [
        events.EnrolmentRequest(
            user_id=user.id,
            course_id=version.course_id,
            version_id=version.id,
            enrol_if_open=False,
        )
    ]


@pytest.mark.parametrize("slug", ["keyed", "assigned"])
def test_enrolled_learner_reads(app, client, login_as, gated, slug):
    events.connect(app, events.ensure_enrolment, enrolment_receiver)
    user = login_as(Role.learner)
    enrolled.add(user.id)
    response = client.get(f"/courses/{slug}/module-1/")
    assert response.status_code == 200
    assert "Some reading about cell therapy" in text(response)


def test_one_receiver_with_an_id_is_enough(app, client, login_as, gated):
    events.connect(app, events.ensure_enrolment, silent_receiver)
    events.connect(app, events.ensure_enrolment, enrolment_receiver)
    enrolled.add(login_as(Role.learner).id)
    assert client.get("/courses/keyed/module-1/").status_code == 200


def test_without_a_receiver_the_catalogue_lets_the_learner_read(client, login_as, gated):
    login_as(Role.learner)
    assert client.get("/courses/keyed/module-1/").status_code == 200
    assert client.get("/courses/assigned/module-2/").status_code == 200


def test_open_course_does_not_ask(app, client, login_as, gated):
    events.connect(app, events.ensure_enrolment, enrolment_receiver)
    login_as(Role.learner)
    assert client.get("/courses/open-course/module-1/").status_code == 200
    assert requests_seen == []


@pytest.mark.parametrize("role", STAFF, ids=role_id)
def test_staff_always_read(app, client, login_as, gated, role):
    events.connect(app, events.ensure_enrolment, enrolment_receiver)
    login_as(role)
    assert client.get("/courses/keyed/module-1/").status_code == 200
    assert client.get("/courses/assigned/module-1/").status_code == 200
    assert requests_seen == []


def test_course_page_stays_public_for_gated_courses(app, client, gated):
    events.connect(app, events.ensure_enrolment, enrolment_receiver)
    assert client.get("/courses/keyed/").status_code == 200
    assert "sesame" not in text(client.get("/courses/keyed/"))
