"""Version rules: patch/minor versions keep progress, a major version asks to re-take
changed modules, and a completion is never touched."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.content.models import Course
from lms.content.sync import sync_courses
from lms.extensions import db
from lms.plugins.enrolment.models import Completion, Enrolment, Progress
from tests.conftest import write_course
from tests.enrolment.conftest import module, pass_quiz


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def publish(courses_dir, version: str, *, modules: int = 3, change: int | None = None, text=None):
    """Write and sync a new version of "open-course"; ``change`` edits one module's text."""
    folder = write_course(
        courses_dir,
        "open-course",
        version=version,
        modules=modules,
        quiz_modules=(2,),
        module_text=text or "Some reading about cell therapy.",
    )
    if change is not None:
        path = folder / f"{change:02d}-module-{change}.md"
        path.write_text(path.read_text().replace("Some reading", "Rewritten reading"))
    assert [r.outcome for r in sync_courses(folder)] == ["new"]
    course = db.session.scalar(select(Course).where(Course.slug == "open-course"))
    db.session.refresh(course)
    return course.published_version


def start(client, auth, learner, *done):
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    for slug in done:
        client.post(f"/courses/open-course/{slug}/complete")


def finish_v1(client, auth, learner, open_course):
    start(client, auth, learner, "module-1", "module-3")
    pass_quiz(learner, open_course, module(open_course, 2))
    assert count(Completion) == 1


def test_patch_version_moves_unfinished_enrolment_and_keeps_progress(
    client, auth, learner, open_course, courses_dir
):
    start(client, auth, learner, "module-1")
    new = publish(courses_dir, "1.0.1", text="Some reading about cell therapy, corrected.")
    page = client.get("/courses/open-course/").get_data(as_text=True)
    assert "1 of 3 modules done" in page
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.version_id == new.id
    old_row, carried = db.session.scalars(select(Progress).order_by(Progress.id)).all()
    assert old_row.version_id == open_course.id
    assert old_row.module_id == module(open_course, 1).id
    assert (carried.version_id, carried.module_id, carried.source, carried.carried_from_id) == (
        new.id,
        module(new, 1).id,
        "carried",
        old_row.id,
    )
    assert carried.done_at == old_row.done_at


def test_minor_version_new_module_is_not_done_and_removed_one_drops_out(
    client, auth, learner, open_course, courses_dir
):
    start(client, auth, learner, "module-1", "module-3")
    publish(courses_dir, "1.1.0", modules=4)
    page = client.get("/me/").get_data(as_text=True)
    assert "2 of 4 modules done" in page
    assert 'href="/courses/open-course/module-2/"' in page  # next: the quiz module
    publish(courses_dir, "1.2.0", modules=2)
    page = client.get("/me/").get_data(as_text=True)
    assert "1 of 2 modules done" in page  # module 3 is gone with its mark


def test_completed_enrolment_stays_on_its_version_for_a_patch(
    client, auth, learner, open_course, courses_dir, completed_events
):
    finish_v1(client, auth, learner, open_course)
    publish(courses_dir, "1.0.1", text="Typo fixed.")
    client.get("/courses/open-course/")
    client.get("/me/")
    assert db.session.scalar(select(Enrolment.version_id)) == open_course.id
    assert count(Completion) == 1
    assert len(completed_events) == 1


def test_major_version_lists_changed_modules_and_moves_on_request(
    client, auth, learner, open_course, courses_dir, completed_events
):
    finish_v1(client, auth, learner, open_course)
    first = db.session.scalar(select(Completion))
    new = publish(courses_dir, "2.0.0", change=3)
    page = client.get("/courses/open-course/").get_data(as_text=True)
    assert "Version 2.0.0 has changed modules; re-take them for a new certificate." in page
    notice = page.split("Version 2.0.0 has changed modules")[1].split("</ul>")[0]
    assert "Module 3" in notice
    assert "Module 1" not in notice
    assert db.session.scalar(select(Enrolment.version_id)) == open_course.id  # not moved yet
    dashboard = client.get("/me/").get_data(as_text=True)
    assert "Version 2.0.0 has changed modules" in dashboard

    response = client.post("/courses/open-course/move-version", follow_redirects=True)
    assert "You are now on version 2.0.0." in response.get_data(as_text=True)
    assert db.session.scalar(select(Enrolment.version_id)) == new.id
    assert "2 of 3 modules done" in client.get("/courses/open-course/").get_data(as_text=True)
    # The first completion is untouched; finishing the changed module completes v2.
    db.session.refresh(first)
    assert first.version_id == open_course.id
    client.post("/courses/open-course/module-3/complete")
    assert count(Completion) == 2
    assert len(completed_events) == 2
    assert completed_events[1].version_id == new.id
    again = client.post("/courses/open-course/move-version", follow_redirects=True)
    assert "There is no newer version to move to." in again.get_data(as_text=True)


def test_major_version_refuses_marking_a_module_before_moving(
    client, auth, learner, open_course, courses_dir
):
    start(client, auth, learner, "module-1")
    publish(courses_dir, "2.0.0", modules=4, change=1)
    response = client.post("/courses/open-course/module-4/complete", follow_redirects=True)
    assert "Move to the new version of the course first." in response.get_data(as_text=True)
    assert count(Progress) == 1


def test_passing_a_quiz_of_the_new_major_version_moves_the_enrolment(
    client, auth, learner, open_course, courses_dir
):
    start(client, auth, learner, "module-1")
    new = publish(courses_dir, "2.0.0", change=3)
    pass_quiz(learner, new, module(new, 2))
    assert db.session.scalar(select(Enrolment.version_id)) == new.id
    done = set(db.session.scalars(select(Progress.module_id).where(Progress.version_id == new.id)))
    assert done == {module(new, 1).id, module(new, 2).id}
