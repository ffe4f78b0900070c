"""A known data set for the reports: rows written straight into the other plugins' tables
(their models are fine to import in tests), with every status the report knows."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest

from lms.extensions import db
from lms.models import Profession, Role
from lms.plugins.certificates.models import Certificate
from lms.plugins.enrolment.models import Assignment, Completion, Enrolment, Progress
from lms.plugins.reports.services import today

EDUCATOR_EMAIL = "educator.owner@example.com"


class Records:
    """Writes training records as the enrolment and certificates plugins would."""

    def __init__(self):
        self._codes = itertools.count(1)

    def enrol(self, user, version, *, status="active", progress=False, at=None) -> Enrolment:
        enrolment = Enrolment(
            user_id=user.id,
            course_id=version.course_id,
            version_id=version.id,
            status=status,
            method="open",
            enrolled_at=at or datetime(2025, 1, 15, 9, 0),
        )
        db.session.add(enrolment)
        db.session.flush()
        if progress:
            module = version.modules[0]
            db.session.add(
                Progress(
                    enrolment_id=enrolment.id,
                    version_id=version.id,
                    module_id=module.id,
                    source="reading",
                )
            )
        db.session.commit()
        return enrolment

    def complete(self, enrolment, version, on: date) -> Completion:
        completion = Completion(
            enrolment_id=enrolment.id,
            user_id=enrolment.user_id,
            course_id=enrolment.course_id,
            version_id=version.id,
            completed_at=datetime.combine(on, time(10, 0)),
            score_percent=90.0,
        )
        db.session.add(completion)
        db.session.commit()
        return completion

    def certify(self, completion, user, version, *, expires_on=None, revoked=False):
        code = f"{next(self._codes):04d}" + secrets.token_hex(12).upper()
        cert = Certificate(
            code=code[:28],
            user_id=user.id,
            course_id=completion.course_id,
            version_id=version.id,
            enrolment_id=completion.enrolment_id,
            completion_id=completion.id,
            name=user.name,
            profession=user.profession.value,
            centre_name=None,
            course_slug="x",
            course_title=version.title,
            version=version.version,
            content_hash=version.content_hash,
            completed_at=completion.completed_at,
            completed_on=completion.completed_at.date(),
            expires_on=expires_on,
            language="en",
            revoked_at=datetime(2025, 6, 1) if revoked else None,
        )
        db.session.add(cert)
        db.session.commit()
        return cert

    def assign(self, user, version, due_on, *, at=None) -> Assignment:
        assignment = Assignment(
            course_id=version.course_id,
            user_id=user.id,
            centre_id=user.centre_id,
            due_on=due_on,
            created_at=at or datetime(2025, 1, 1),
        )
        db.session.add(assignment)
        db.session.commit()
        return assignment


@pytest.fixture
def records(app) -> Records:
    return Records()


@dataclass
class Known:
    a1: object
    a2: object
    b1: object
    b2: object
    people: dict = field(default_factory=dict)
    admin: object = None
    other_admin: object = None
    site_admin: object = None
    educator: object = None


@pytest.fixture
def known(app, make_user, make_course, records) -> Known:
    """Skåne (the centre under test) and Karolinska (the other centre).

    Course A expires after 12 months and is owned by the educator; course B never expires.
    Expected at Skåne, course A: expiring 1 (Anna), expired 1 (Bo), in progress 1 (Cecilia,
    revoked), overdue 1 (David), enrolled 1 (Eva), completed 2 (Hans, Johan) = 7 people;
    course B: completed 3 (Eva, Ingrid deactivated, Cecilia), assigned 1 (Fredrik),
    withdrawn 1 (Gun) = 5. Ingrid's unfinished course A is not counted.
    """
    on = today()
    a1 = make_course(
        "course-a",
        title="Course A Cryo",
        course={"certificate_valid_months": 12, "owners": [EDUCATOR_EMAIL]},
    )
    a2 = make_course(
        "course-a",
        title="Course A Cryo",
        version="1.1.0",
        course={"certificate_valid_months": 12, "owners": [EDUCATOR_EMAIL]},
    )
    b1 = make_course("course-b", title="Course B Gene")
    b2 = make_course("course-b", title="Course B Gene", version="1.1.0")
    r = records
    k = Known(a1, a2, b1, b2)

    def person(name, profession, centre="skane", active=True):
        user = make_user(name=name, profession=profession, centre=centre, active=active)
        k.people[name] = user
        return user

    nurse, pharm = Profession.nurse, Profession.pharmacist
    anna = person("Anna Åkesson", nurse)
    e = r.enrol(anna, a1)
    r.certify(r.complete(e, a1, on - timedelta(days=330)), anna, a1, expires_on=on + timedelta(30))

    bo = person("Bo Öhman", pharm)
    e = r.enrol(bo, a1)
    c = r.complete(e, a1, on - timedelta(days=730))
    r.certify(c, bo, a1, expires_on=on - timedelta(days=365))

    cecilia = person("Cecilia Ek", nurse)
    e = r.enrol(cecilia, a1, progress=True)
    r.certify(
        r.complete(e, a1, on - timedelta(days=100)),
        cecilia,
        a1,
        expires_on=on + timedelta(265),
        revoked=True,
    )
    e = r.enrol(cecilia, b1)
    r.certify(r.complete(e, b1, on - timedelta(days=200)), cecilia, b1, revoked=True)
    r.certify(r.complete(e, b2, on - timedelta(days=20)), cecilia, b2)

    david = person("David Berg", Profession.physician)
    r.assign(david, a1, on - timedelta(days=1))
    r.enrol(david, a1)

    eva = person("Eva Lind", nurse)
    r.enrol(eva, a1)
    e = r.enrol(eva, b1)
    r.certify(r.complete(e, b1, on - timedelta(days=40)), eva, b1)

    fredrik = person("Fredrik Holm", Profession.researcher)
    r.assign(fredrik, b1, on + timedelta(days=30))

    gun = person("Gun Strand", nurse)
    r.enrol(gun, b1, status="withdrawn")

    hans = person("Hans Nord", pharm)
    e = r.enrol(hans, a1)
    c = r.complete(e, a1, on - timedelta(days=500))
    r.certify(c, hans, a1, expires_on=on - timedelta(days=135))
    r.complete(e, a2, on - timedelta(days=3))  # no certificate yet: still completed

    ingrid = person("Ingrid Vik", nurse, active=False)
    r.enrol(ingrid, a1, progress=True)
    e = r.enrol(ingrid, b1)
    r.certify(r.complete(e, b1, on - timedelta(days=90)), ingrid, b1)

    johan = person("Johan Sjö", pharm)
    e = r.enrol(johan, a1)
    r.certify(
        r.complete(e, a1, on - timedelta(days=165)), johan, a1, expires_on=on + timedelta(200)
    )

    karl = person("Karl Otherson", nurse, centre="karolinska")
    e = r.enrol(karl, a1)
    r.certify(r.complete(e, a1, on - timedelta(days=10)), karl, a1, expires_on=on + timedelta(355))
    lena = person("Lena Otherdottir", pharm, centre="karolinska")
    r.assign(lena, b1, on - timedelta(days=5))

    k.admin = make_user(role=Role.centre_admin, centre="skane", email="admin.skane@example.com")
    k.other_admin = make_user(
        role=Role.centre_admin, centre="karolinska", email="admin.ks@example.com"
    )
    k.site_admin = make_user(role=Role.site_admin, centre=None, email="root@example.com")
    k.educator = make_user(role=Role.educator, centre="umea", email=EDUCATOR_EMAIL)
    return k


@pytest.fixture
def login(auth):
    """Log in as ``user``, first ending the test's own transaction so the request's write
    (the login) never waits on a lock the test holds."""

    def do(user):
        email = user.email
        db.session.commit()
        response = auth.login(email)
        assert response.status_code == 302, response.status_code
        return response

    return do
