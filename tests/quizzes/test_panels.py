"""The quiz panels the catalogue's module and course pages show, through signals."""

from __future__ import annotations

from lms import events
from lms.plugins.quizzes import services
from tests.quizzes.conftest import quiz_of


def test_module_panel_links_the_quiz_and_shows_the_learners_status(app, make_user, make_course):
    version = make_course(final_quiz=True)
    quiz = quiz_of(version, "module-1")
    user = make_user()
    page = events.ModulePage(
        user.id, version.course_id, version.id, quiz.module_id, "test-course", "module-1"
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (before,) = events.panels(events.module_page_panels, page)
    assert 'href="/courses/test-course/quiz/module-1/"' in before
    assert "Passed" not in before
    attempt = services.start_attempt(user.id, quiz)
    right = {
        str(q.id): [i for i, c in enumerate(q.choices) if c["correct"]] for q in quiz.questions
    }
    services.submit(attempt, 1, right, services.drawn_questions(attempt))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (after,) = events.panels(events.module_page_panels, page)
        other = events.ModulePage(None, version.course_id, version.id, 0, "test-course", "x")
        assert events.panels(events.module_page_panels, other) == []
    assert "Passed" in after


def test_course_panel_lists_only_course_quizzes(app, make_course):
    version = make_course(final_quiz=True)
    page = events.CoursePage(None, version.course_id, version.id, "test-course")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (panel,) = events.panels(events.course_page_panels, page)
    assert "Final quiz" in panel
    assert "Quiz 1" not in panel
    assert "Log in to take the quiz" in panel
