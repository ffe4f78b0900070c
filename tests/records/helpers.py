"""Shared steps of the records tests: a course that asks for a signature, read through."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db

SIGNED_COURSE = "sop-course"


def signed_course(make_course, slug: str = SIGNED_COURSE, **kwargs):
    """A reading-only course (two modules, no quiz) with ``signature: required``."""
    return make_course(
        slug,
        quiz_modules=(),
        course={"signature": "required", "certificate_valid_months": 12},
        **kwargs,
    )


def read_through(client, version) -> None:
    """Enrol and mark every module done, through the pages a learner uses."""
    slug = version.course.slug
    assert client.post(f"/courses/{slug}/enrol").status_code in (200, 302)
    for module in version.modules:
        response = client.post(f"/courses/{slug}/{module.slug}/complete")
        assert response.status_code in (200, 302), response.status_code


def completions(user_id: int) -> list:
    from lms.plugins.enrolment.models import Completion

    return db.session.scalars(select(Completion).where(Completion.user_id == user_id)).all()


def certificates(user_id: int) -> list:
    from lms.plugins.certificates.models import Certificate

    return db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)).all()
