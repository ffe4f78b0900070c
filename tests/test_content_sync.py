"""``flask lms sync-courses``: transactional, idempotent, versioned, never deleting records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from lms.content.models import Asset, Course, CourseVersion, Module, Question, Quiz
from lms.content.sync import sync_courses
from lms.extensions import db
from tests.conftest import write_course

REAL_COURSES = Path(__file__).resolve().parent.parent / "courses"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_sync_stores_course_version_modules_quizzes_questions(app, courses_dir):
    write_course(courses_dir, "cells", modules=2, quiz_modules=(1,), final_quiz=True, swedish=True)
    results = sync_courses(courses_dir)
    assert [(r.slug, r.outcome, r.version) for r in results] == [("cells", "new", "1.0.0")]
    course = db.session.scalar(select(Course).where(Course.slug == "cells"))
    version = course.published_version
    assert version is course.latest_version
    assert len(version.content_hash) == 64
    assert [m.slug for m in version.modules] == ["module-1", "module-2"]
    assert version.modules[0].translations["sv"]["title"] == "Modul 1"
    assert "<h2" in version.modules[0].html  # rendered at sync time
    quizzes = {q.slug: q for q in version.quizzes}
    assert quizzes["module-1"].module.slug == "module-1"
    assert quizzes["final"].module is None
    question = quizzes["module-1"].questions[0]
    assert [c["correct"] for c in question.choices] == [False, True, False]
    assert question.translations["sv"]["choices"][1] == "Right 1"
    assert quizzes["module-1"].questions[1].multiple is True


def test_unchanged_course_is_a_no_op(app, courses_dir):
    write_course(courses_dir, "cells")
    sync_courses(courses_dir)
    before = [count(m) for m in (Course, CourseVersion, Module, Quiz, Question)]
    results = sync_courses(courses_dir)
    assert [r.outcome for r in results] == ["unchanged"]
    assert [count(m) for m in (Course, CourseVersion, Module, Quiz, Question)] == before


def test_new_version_keeps_the_old_one(app, courses_dir):
    write_course(courses_dir, "cells", module_text="First text.")
    sync_courses(courses_dir)
    old = db.session.scalar(select(CourseVersion))
    old_id, old_html = old.id, old.modules[0].html
    write_course(courses_dir, "cells", version="1.1.0", module_text="Second text.")
    results = sync_courses(courses_dir)
    assert [(r.outcome, r.version) for r in results] == [("new", "1.1.0")]
    assert count(CourseVersion) == 2
    kept = db.session.get(CourseVersion, old_id)
    assert kept.modules[0].html == old_html
    course = db.session.scalar(select(Course))
    assert course.published_version.version == "1.1.0"
    assert "Second text." in course.published_version.modules[0].html


def test_changed_text_without_a_new_version_is_refused(app, courses_dir):
    write_course(courses_dir, "cells", module_text="First text.")
    sync_courses(courses_dir)
    write_course(courses_dir, "cells", module_text="Quietly changed.")
    results = sync_courses(courses_dir)
    assert results[0].outcome == "refused"
    assert "version 1.0.0 is already stored with different content" in results[0].messages[0]
    assert count(CourseVersion) == 1


def test_older_version_is_refused(app, courses_dir):
    write_course(courses_dir, "cells", version="2.0.0")
    sync_courses(courses_dir)
    write_course(courses_dir, "cells", version="1.5.0", module_text="Other.")
    results = sync_courses(courses_dir)
    assert results[0].messages == ["version 1.5.0 is older than the stored 2.0.0"]


def test_broken_course_is_refused_and_the_old_version_keeps_serving(app, courses_dir, runner):
    folder = write_course(courses_dir, "cells")
    sync_courses(courses_dir)
    write_course(courses_dir, "cells", version="1.1.0")
    (folder / "02-module-2.md").write_text("---\ntitle: Broken\nminutes: many\n---\nText\n")
    result = runner.invoke(args=["lms", "sync-courses", str(courses_dir)])
    assert result.exit_code == 1
    assert "cells: refused" in result.output
    assert "courses/cells/02-module-2.md:3:" in result.output
    course = db.session.scalar(select(Course))
    assert course.published_version.version == "1.0.0"
    assert count(CourseVersion) == 1


def test_one_broken_course_does_not_stop_the_others(app, courses_dir):
    write_course(courses_dir, "good-one")
    bad = write_course(courses_dir, "bad-one")
    (bad / "course.md").write_text("---\ntitle: x\n---\n")
    results = {r.slug: r.outcome for r in sync_courses(courses_dir)}
    assert results == {"bad-one": "refused", "good-one": "new"}


def test_draft_version_does_not_replace_the_published_one(app, courses_dir):
    write_course(courses_dir, "cells")
    sync_courses(courses_dir)
    write_course(courses_dir, "cells", version="2.0.0", status="draft", module_text="Draft.")
    sync_courses(courses_dir)
    course = db.session.scalar(select(Course))
    assert course.published_version.version == "1.0.0"
    assert course.latest_version.version == "2.0.0"
    assert course.latest_version.is_draft


def test_images_are_stored_with_their_version(app, courses_dir):
    folder = write_course(courses_dir, "cells")
    (folder / "images").mkdir()
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    (folder / "images" / "shipper.png").write_bytes(png)
    (folder / "01-module-1.md").write_text(
        "---\ntitle: M1\nminutes: 5\n---\n![A dry shipper](images/shipper.png)\n"
    )
    sync_courses(courses_dir)
    asset = db.session.scalar(select(Asset))
    assert (asset.path, asset.media_type, asset.data) == ("images/shipper.png", "image/png", png)
    module = db.session.scalar(select(Module).where(Module.slug == "module-1"))
    assert 'src="/courses/cells/assets/images/shipper.png"' in module.html


def test_module_hash_changes_only_for_changed_modules(app, courses_dir):
    write_course(courses_dir, "cells", modules=2)
    sync_courses(courses_dir)
    folder = write_course(courses_dir, "cells", modules=2, version="2.0.0")
    (folder / "02-module-2.md").write_text("---\ntitle: M2\nminutes: 5\n---\nRewritten.\n")
    sync_courses(courses_dir)
    old, new = db.session.scalars(select(CourseVersion).order_by(CourseVersion.id)).all()
    assert old.modules[0].content_hash == new.modules[0].content_hash
    assert old.modules[1].content_hash != new.modules[1].content_hash


def test_check_courses_command_reports_every_problem(runner, courses_dir):
    bad = write_course(courses_dir, "cells")
    (bad / "01-module-1.md").write_text("---\ntitle: M1\nminutes: 5\ncolour: red\n---\nText\n")
    (bad / "02-module-2.quiz.md").write_text("---\ntitle: Q\n---\n## Q\n- [ ] a\n- [ ] b\n")
    result = runner.invoke(args=["lms", "check-courses", str(courses_dir)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("courses/")]
    assert len(lines) >= 2
    assert any(line.startswith("courses/cells/01-module-1.md:4:") for line in lines)
    assert any(line.startswith("courses/cells/02-module-2.quiz.md:") for line in lines)


def test_the_real_courses_check_and_sync(app, runner):
    """The content bar of courses/: no problem and no warning, every module translated and
    closed by a quiz, the precedence note in both languages; the published courses have at
    least three modules, and the demo draft stays a draft."""
    result = runner.invoke(args=["lms", "check-courses", str(REAL_COURSES)])
    assert result.exit_code == 0, result.output
    # learners see what the educators' preview shows, and no phrase found wrong before
    assert "warning:" not in result.output, result.output
    results = sync_courses(REAL_COURSES)
    assert {r.slug for r in results if r.outcome == "new"} >= {
        "atmp-fundamentals",
        "safe-handling",
        "car-t-nursing",
        "regulatory-science",
        "car-t-receipt-storage-thaw",
        "after-car-t",
        "reporting-in-sweden",
    }
    published = set()
    for version in db.session.scalars(select(CourseVersion)):
        assert all(m.translations.get("sv") for m in version.modules), version.course.slug
        closed = {q.module_id for q in version.quizzes if q.module_id is not None}
        assert closed == {m.id for m in version.modules}, version.course.slug
        assert all(q.translations.get("sv") for q in version.quizzes), version.course.slug
        assert "SmPC" in version.description_html
        assert "produktresum" in version.translations["sv"]["description_html"]
        if version.status == "published":
            published.add(version.course.slug)
            assert len(version.modules) >= 3, version.course.slug
    assert "reporting-in-sweden" not in published
    assert {"car-t-receipt-storage-thaw", "after-car-t"} <= published
