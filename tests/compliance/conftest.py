"""Fixtures for compliance: a published course nurses must hold, helpers to read records."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.plugins.enrolment.models import Assignment


@pytest.fixture
def config_overrides() -> dict:
    return {"LMS_MAIL_KICK": False}


@pytest.fixture
def cart_course(make_course):
    """car-t-nursing: one reading module, a certificate valid 24 months."""
    return make_course(
        "car-t-nursing",
        title="CAR-T nursing",
        modules=1,
        quiz_modules=(),
        swedish=True,
        course={"enrolment": "assigned", "certificate_valid_months": 24},
    )


def assignments_of(user) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment).where(Assignment.user_id == user.id).order_by(Assignment.id)
        )
    )


def new_requirement(client, course, **data):
    values = {
        "name": "CAR-T qualification",
        "reason": "EU product information: staff trained before the centre is qualified",
        "course": course.course_id,
        "days_to_complete": 30,
        "profession": "nurse",
        "unit": "",
    }
    values.update(data)
    return client.post("/centre/requirements", data=values)


def complete_course(client, auth, user, slug: str = "car-t-nursing") -> None:
    """The learner marks the one reading module done: the course is completed (and the
    certificates plugin issues a certificate)."""
    auth.logout()
    auth.login(user)
    response = client.post(f"/courses/{slug}/module-1/complete")
    assert response.status_code == 302
    auth.logout()


def requirement_for(admin, course, **values):
    """Create a requirement through the service, as the page does."""
    from lms.plugins.compliance import services

    fields = {
        "name": "CAR-T qualification",
        "reason": "EU product information",
        "centre_id": admin.centre_id,
        "profession": "nurse",
        "unit": None,
        "course_id": course.course_id,
        "days_to_complete": 30,
    }
    fields.update(values)
    return services.create(admin, **fields)[0]
