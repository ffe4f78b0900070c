"""The real car-t-nursing course, from 1.0.0 (before the clinical review) to 2.0.0: a nurse
who completed the old version is asked to re-take every module whose teaching changed, and
keeps the completion she had."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from lms.content.models import Course
from lms.content.sync import sync_courses
from lms.extensions import db
from lms.plugins.enrolment.models import Completion, Enrolment
from tests.enrolment.conftest import pass_quiz

TESTS = Path(__file__).resolve().parents[1]
OLD = TESTS / "content" / "fixtures" / "car-t-nursing-1.0.0"
NEW = TESTS.parent / "courses" / "car-t-nursing"


def publish(source: Path, courses_dir: Path):
    target = courses_dir / "car-t-nursing"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    results = sync_courses(target)
    assert [r.outcome for r in results] == ["new"], [str(r) for r in results]
    course = db.session.scalar(select(Course).where(Course.slug == "car-t-nursing"))
    db.session.refresh(course)
    return course.published_version


def test_a_nurse_who_completed_1_0_0_is_asked_to_retake_the_changed_modules(
    client, auth, learner, courses_dir, completed_events
):
    old = publish(OLD, courses_dir)
    assert old.version == "1.0.0"
    auth.login(learner)
    client.post("/courses/car-t-nursing/enrol")
    for attempt, module in enumerate(old.modules, start=1):
        pass_quiz(learner, old, module, attempt_id=attempt)
    first = db.session.scalar(select(Completion))
    assert first is not None
    assert first.version_id == old.id

    new = publish(NEW, courses_dir)
    assert new.version == "2.0.0"
    page = client.get("/courses/car-t-nursing/").get_data(as_text=True)
    assert "Version 2.0.0 has changed modules; re-take them for a new certificate." in page
    notice = page.split("Version 2.0.0 has changed modules")[1].split("</ul>")[0]
    # Every module's teaching changed (driving, CRS fever rule, ICANS grading, label
    # mismatch...), so every module is to be re-taken.
    for module in new.modules:
        assert module.title in notice
    assert "Version 2.0.0 has changed modules" in client.get("/me/").get_data(as_text=True)

    # Nothing moved by itself, and the old completion stays as it was.
    assert db.session.scalar(select(Enrolment.version_id)) == old.id
    db.session.refresh(first)
    assert first.version_id == old.id
    assert len(completed_events) == 1

    response = client.post("/courses/car-t-nursing/move-version", follow_redirects=True)
    assert "You are now on version 2.0.0." in response.get_data(as_text=True)
    assert "0 of 3 modules done" in client.get("/courses/car-t-nursing/").get_data(as_text=True)
