"""SQL statements per page stay the same however many courses, enrolments, completions,
certificates and colleagues there are: every page a learner or a centre admin opens, with
every built-in plugin on (their panels included). Issue 18."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import Role
from lms.plugins.enrolment import assignments, services
from lms.plugins.enrolment.models import Enrolment
from tests.enrolment.conftest import module, pass_quiz
from tests.sql import counting

LEARNER_PAGES = [
    "/courses/?audience=all",
    "/",
    "/courses/course-0/",
    "/courses/course-0/module-1/",
    "/courses/course-0/module-2/",
    "/courses/course-0/quiz/<quiz>/",
    "/me/",
    "/auth/profile",
]
ADMIN_PAGES = [
    "/centre/",
    "/centre/people",
    "/centre/assignments",
    "/centre/members",
    "/courses/course-0/",
    "/centre/requirements",
    "/centre/import",
    "/centre/inspection-pack",
    "/records/audit",
    "/records/external",
    "/records/people/<learner>/history",
    "/quizzes/extra-attempts",
]


def statements(client, url: str) -> int:
    client.get(url)  # warm up: a version first seen is read into memory once
    with counting(transaction_control=False) as sent:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(sent)


@pytest.fixture
def grow(make_user, make_course):
    """``grow(first, last)`` adds courses ``first..last-1``; the learner and a colleague
    are enrolled in each, one module read, one quiz passed (a completion and a certificate
    where that finishes the course), and the course assigned by the centre admin."""
    learner = make_user(centre="skane", email="learner@example.com")
    admin = make_user(role=Role.centre_admin, centre="skane", email="admin@example.com")

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            version = make_course(f"course-{n}", modules=2, quiz_modules=(2,))
            course = services.course_by_slug(f"course-{n}")
            colleague = make_user(centre="skane", email=f"colleague-{n}@example.com")
            for person in (learner, colleague):
                services.enrol(person, course)
                enrolment = db.session.scalar(
                    select(Enrolment).where(
                        Enrolment.course_id == course.id, Enrolment.user_id == person.id
                    )
                )
                services.mark_done(enrolment, module(version, 1), source="reading")
                if n % 2:
                    pass_quiz(person, version, module(version, 2), attempt_id=n)
            assignments.assign(course, [learner], actor=admin, due_on=None)
            db.session.commit()

    add.learner, add.admin = learner, admin
    return add


def quiz_url(client, url: str) -> str:
    if "<quiz>" not in url:
        return url
    text = client.get("/courses/course-0/module-2/").get_data(as_text=True)
    return re.search(r'href="(/courses/course-0/quiz/[^"]+/)"', text).group(1)


@pytest.mark.parametrize("url", LEARNER_PAGES)
def test_learner_pages(client, auth, grow, url):
    grow(0, 2)  # a certificate among them: its title is read in one batch for all
    auth.login(grow.learner)
    url = quiz_url(client, url)
    few = statements(client, url)
    grow(2, 6)
    assert statements(client, url) == few


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_centre_admin_pages(client, auth, grow, url):
    grow(0, 1)
    url = url.replace("<learner>", str(grow.learner.id))
    auth.login(grow.admin)
    few = statements(client, url)
    grow(1, 6)
    assert statements(client, url) == few


def test_course_page_reads_the_learners_state_once(client, auth, grow):
    """The enrolment panel and the signature panel (through ``enrolment_progress``) both
    need where the learner stands: a GET page reads it once, not once per panel."""
    grow(0, 1)
    auth.login(grow.learner)
    client.get("/courses/course-0/")
    with counting(transaction_control=False) as sent:
        response = client.get("/courses/course-0/")
    assert response.status_code == 200
    reads = [s for s in sent if re.search(r"\bFROM enrolment_enrolment\b", s)]
    assert len(reads) == 1, reads
    assert not [s for s in sent if re.search(r"\bFROM content_module\b", s)]


def test_site_admin_people_list(client, auth, grow, make_user):
    """The site admin's list of people shows each person's roles: read for the page in
    one go, not once per person."""
    admin = make_user(roles=(Role.site_admin,), email="site@example.com")
    grow(0, 1)
    auth.login(admin)
    few = statements(client, "/admin/users")
    grow(1, 6)
    assert statements(client, "/admin/users") == few
