"""The module page with enrolment and quizzes both on: one quiz link, and a query count
that does not grow with the learner's records or the course's size."""

from __future__ import annotations

import pytest

from lms.plugins.quizzes import services as quiz_services
from tests.enrolment.conftest import module, quiz_of
from tests.sql import TRANSACTION_CONTROL, counting


@pytest.fixture
def config_overrides() -> dict:
    return {"LMS_PLUGINS": ["catalog", "enrolment", "quizzes"]}


def take(user, quiz, right: bool) -> None:
    attempt = quiz_services.start_attempt(user.id, quiz)
    questions = quiz_services.drawn_questions(attempt)
    answers = {
        str(q.id): [i for i, c in enumerate(q.choices) if c["correct"] == right] for q in questions
    }
    quiz_services.submit(attempt, attempt.lock_version, answers, questions)


def test_the_quiz_is_linked_once_with_its_terms_and_done_state(
    client, auth, make_user, make_course
):
    version = make_course("open-course", modules=3, quiz_modules=(2,))
    learner = make_user()
    auth.login(learner)
    client.post("/courses/open-course/enrol")
    page = client.get("/courses/open-course/module-2/").get_data(as_text=True)
    quiz = quiz_of(module(version, 2))
    link = f'href="/courses/open-course/quiz/{quiz.slug}/"'
    assert page.count(link) == 1
    assert "Take the quiz" in page
    assert "Pass mark" in page  # the quizzes panel still gives the quiz's terms
    assert "Done ✓" not in page
    take(learner, quiz, right=True)
    page = client.get("/courses/open-course/module-2/").get_data(as_text=True)
    assert page.count(link) == 1
    assert "Done ✓" in page
    assert "Passed" in page
    reading = client.get("/courses/open-course/module-1/").get_data(as_text=True)
    assert "Mark as done" in reading
    assert "/quiz/" not in reading


def module_page_queries(client, auth, make_user, make_course, modules: int, attempts: int):
    slug = f"course-{modules}"
    version = make_course(slug, modules=modules, quiz_modules=(1,))
    learner = make_user()
    for _ in range(attempts):  # other learners' records must not matter either
        take(make_user(), quiz_of(module(version, 1)), right=False)
    auth.login(learner)
    client.post(f"/courses/{slug}/enrol")
    for number in range(2, modules + 1):
        client.post(f"/courses/{slug}/module-{number}/complete")
    for _ in range(attempts):
        take(learner, quiz_of(module(version, 1)), right=False)
    client.get(f"/courses/{slug}/module-1/")  # warm: stored versions are kept in memory
    with counting() as statements:
        page = client.get(f"/courses/{slug}/module-1/")
    assert page.status_code == 200
    auth.logout()
    return statements


def test_module_page_queries_do_not_grow(client, auth, make_user, make_course):
    small = module_page_queries(client, auth, make_user, make_course, modules=2, attempts=1)
    large = module_page_queries(client, auth, make_user, make_course, modules=6, attempts=3)
    assert len(small) == len(large)
    # What a quiz is never changes: after the first visit it is not read again.
    assert not any("FROM content_quiz" in s for s in large)
    assert not any("enrolment_assignment" in s for s in large)  # no due dates shown here


def test_both_panels_read_in_one_statement(client, auth, make_user, make_course):
    """The enrolment and quiz panels ask for what they show through ``module_page_query``:
    one statement for both (the user's load and BEGIN aside), with the same page."""
    statements = module_page_queries(client, auth, make_user, make_course, modules=3, attempts=2)
    panels = [s for s in statements if "enrolment_enrolment" in s or "quizzes_attempt" in s]
    assert len(panels) == 1
    assert "quizzes_attempt" in panels[0]
    assert "enrolment_enrolment" in panels[0]
    sql = [s for s in statements if s.split(None, 1)[0].upper() not in TRANSACTION_CONTROL]
    print(*sql, sep="\n---\n")
    assert len(sql) == 3  # was 4: the panels sent one query each


@pytest.mark.parametrize(
    "url", ["/courses/drafty/module-1/", "/courses/drafty/module-1/?preview=draft"]
)
def test_a_draft_module_tells_the_educator_nothing_is_recorded(
    client, auth, make_user, make_course, url
):
    """An educator reading a draft is told that nothing is recorded, instead of being
    sent to the course page to enrol in a course nobody can enrol in yet."""
    from lms.models import Role

    make_course("drafty", status="draft")
    auth.login(make_user(role=Role.educator))
    page = client.get(url).get_data(as_text=True)
    assert "You are previewing a draft: reading it records nothing" in page
    assert "See how to enrol on the course page" not in page
    assert "Enrol in this course" not in page
