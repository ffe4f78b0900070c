"""Git stays a way in: a course is managed either from courses/ or in the app, the page says
which, and neither side silently overwrites the other's work."""

from __future__ import annotations

from sqlalchemy import select

from lms.content.models import Course, CourseVersion
from lms.content.sync import sync_courses
from lms.extensions import db
from lms.models import AuditEvent
from tests.authoring.conftest import draft_files, text_of
from tests.conftest import write_course

OWNED = {"owners": ["eva@example.com"]}


def course(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def folder_files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_git_course_is_imported_into_the_app(as_educator, make_course, courses_dir):
    make_course("from-git", course=OWNED, swedish=True)
    page = text_of(as_educator.get("/educator/courses/from-git/"))
    assert "courses/from-git under git" in page
    assert "Import into the app" in page
    # Not editable here until imported.
    refused = as_educator.post(
        "/educator/courses/from-git/new-file", data={"name": "02-x.md", "text": "x"}
    )
    assert "managed in courses/" in text_of(as_educator.get(refused.headers["Location"]))
    assert as_educator.post("/educator/courses/from-git/import").status_code == 302
    assert course("from-git").managed_in == "app"
    assert draft_files("from-git") == folder_files(courses_dir / "from-git")
    assert "Managed in the app" in text_of(as_educator.get("/educator/courses/from-git/"))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "authoring.imported"))


def test_the_sync_refuses_a_course_managed_in_the_app(
    as_educator, make_course, courses_dir, runner
):
    make_course("from-git", course=OWNED)
    as_educator.post("/educator/courses/from-git/import")
    # Unchanged files are no threat: nothing to refuse.
    assert [r.outcome for r in sync_courses(courses_dir)] == ["unchanged"]
    edited = {"version": "1.1.0", "module_text": "Edited in git.", "course": OWNED}
    write_course(courses_dir, "from-git", **edited)
    result = runner.invoke(args=["lms", "sync-courses"])
    assert result.exit_code == 1
    assert "from-git: refused" in result.output
    assert "flask lms take-over-course from-git --to-git" in result.output
    assert course("from-git").published_version.version == "1.0.0"

    result = runner.invoke(args=["lms", "take-over-course", "from-git", "--to-git"])
    assert result.exit_code == 0, result.output
    assert "managed from courses/from-git now" in result.output
    assert course("from-git").managed_in == "courses"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "content.course_taken_over")
    )
    assert event.details == {"course": "from-git", "managed_in": "courses"}
    assert runner.invoke(args=["lms", "sync-courses"]).exit_code == 0
    versions = db.session.scalars(select(CourseVersion.version).order_by(CourseVersion.id))
    assert list(versions) == ["1.0.0", "1.1.0"]
    page = text_of(as_educator.get("/educator/courses/from-git/"))
    assert "courses/from-git under git" in page
    assert "The draft kept in the app stays as it is." not in page  # the folder is there


def test_take_over_needs_a_direction_and_a_course(runner, app):
    assert runner.invoke(args=["lms", "take-over-course", "nothing"]).exit_code == 2
    result = runner.invoke(args=["lms", "take-over-course", "nothing", "--to-git"])
    assert result.exit_code == 1
    assert "no course 'nothing'" in result.output


def test_a_course_made_in_the_app_reserves_its_address(as_educator, courses_dir):
    from tests.authoring.conftest import create_course

    create_course(as_educator, "cell-handling")
    write_course(courses_dir, "cell-handling")
    results = sync_courses(courses_dir)
    assert [r.outcome for r in results] == ["refused"]
    assert "managed in the app" in results[0].messages[0]


def test_an_imported_draft_never_published_says_so(as_educator, make_course):
    """A draft course taken into the app was never published: the page says so and offers
    to publish, instead of "the draft is the published version" beside "not yet
    published"; educators read no operator command."""
    make_course("from-git", course=OWNED, status="draft")
    page = text_of(as_educator.get("/educator/courses/from-git/"))
    assert "flask lms" not in page
    assert as_educator.post("/educator/courses/from-git/import").status_code == 302
    page = text_of(as_educator.get("/educator/courses/from-git/"))
    assert "not yet published" in page
    assert "The draft is the published version." not in page
    assert "The draft passes the check and is not published yet." in page
