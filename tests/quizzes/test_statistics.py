"""Question statistics for course owners: numbers, flags, CSV, and who may see them."""

from __future__ import annotations

import csv
import io

import pytest

from lms.content.models import Quiz
from lms.content.sync import sync_courses
from lms.extensions import db
from lms.models import Role
from lms.plugins.quizzes import services
from lms.plugins.quizzes.stats import question_stats, safe_cell
from tests.conftest import write_course
from tests.quizzes.conftest import quiz_of

OWNER = "owner@example.com"


def answer(user, quiz, picks_by_number):
    """Finish one attempt of ``user`` with picks per question number."""
    attempt = services.start_attempt(user.id, quiz)
    questions = services.drawn_questions(attempt)
    answers = {str(q.id): picks_by_number.get(q.number, []) for q in questions}
    services.submit(attempt, attempt.lock_version, answers, questions)


@pytest.fixture
def answered(make_user, make_course):
    """Six learners: question 1 (right: index 1) missed by four, question 2 (right: 0 and 1)
    answered right by all."""
    version = make_course(questions=2, course={"owners": [OWNER.upper()]})
    quiz = quiz_of(version)
    for n in range(6):
        first = [1] if n < 2 else [0 if n % 2 else 2]
        answer(make_user(), quiz, {1: first, 2: [0, 1]})
    return quiz


def test_numbers_and_flags(answered):
    first, second = question_stats(answered)
    assert (first.answers, first.correct, first.percent_correct, first.flagged) == (
        6,
        2,
        33.3,
        True,
    )
    assert [(c.picks, c.right) for c in first.choices] == [(2, False), (2, True), (2, False)]
    assert [c.percent for c in first.choices] == [33.3, 33.3, 33.3]
    assert (second.answers, second.percent_correct, second.flagged) == (6, 100.0, False)
    assert [c.picks for c in second.choices] == [6, 6, 0]


def test_few_answers_are_not_flagged(make_user, make_course):
    quiz = quiz_of(make_course(questions=1))
    for _ in range(4):
        answer(make_user(), quiz, {1: [0]})
    (stat,) = question_stats(quiz)
    assert stat.percent_correct == 0.0
    assert stat.flagged is False


def test_owner_sees_the_page_and_list(client, auth, make_user, answered):
    auth.login(make_user(role=Role.educator, email=OWNER))
    index = client.get("/educator/quizzes/")
    assert index.status_code == 200
    assert "Quiz 1" in index.get_data(as_text=True)
    assert "Quiz statistics" in index.get_data(as_text=True)  # nav entry
    page = client.get(f"/educator/quizzes/{answered.id}/").get_data(as_text=True)
    assert "Often missed" in page
    assert "33.3%" in page
    assert '<th scope="row">Right 1</th>' in page


def test_csv_export_is_excel_safe(client, auth, make_user, answered):
    auth.login(make_user(role=Role.educator, email=OWNER))
    response = client.get(f"/educator/quizzes/{answered.id}/stats.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Question", "Question text", "Answers"]
    assert len(rows) == 1 + 3 + 3  # a row per choice
    assert rows[1][:5] == ["1", "Question 1", "6", "33.3", "yes"]
    assert rows[2][6:] == ["Right 1", "yes", "2", "33.3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-x", "'-x"), ("@a", "'@a"), ("a;b", "a;b")],
)
def test_formula_cells_are_defused(value, expected):
    assert safe_cell(value) == expected


def test_csv_quotes_semicolons_and_prefixes_formulas(client, auth, make_user, courses_dir):
    folder = write_course(courses_dir, "tricky", course={"owners": [OWNER]})
    quiz_file = folder / "01-module-1.quiz.md"
    quiz_file.write_text(
        quiz_file.read_text().replace("## Question 1", "## =HYPERLINK(1); a question")
    )
    assert [r.outcome for r in sync_courses(folder)] == ["new"]
    auth.login(make_user(role=Role.educator, email=OWNER))
    quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "module-1"))
    body = client.get(f"/educator/quizzes/{quiz.id}/stats.csv").get_data()
    assert '"\'=HYPERLINK(1); a question"' in body.decode("utf-8-sig")


def test_other_educators_and_learners_see_nothing(client, auth, make_user, answered):
    auth.login(make_user(role=Role.educator, email="someone-else@example.com"))
    assert "Quiz 1" not in client.get("/educator/quizzes/").get_data(as_text=True)
    assert client.get(f"/educator/quizzes/{answered.id}/").status_code == 404
    assert client.get(f"/educator/quizzes/{answered.id}/stats.csv").status_code == 404
    auth.logout()
    auth.login(make_user(role=Role.learner))
    assert client.get(f"/educator/quizzes/{answered.id}/").status_code == 403
    assert "Quiz statistics" not in client.get("/auth/profile").get_data(as_text=True)


def test_site_admin_sees_every_quiz(client, auth, make_user, answered):
    auth.login(make_user(role=Role.site_admin))
    assert "Quiz 1" in client.get("/educator/quizzes/").get_data(as_text=True)
    assert client.get(f"/educator/quizzes/{answered.id}/stats.csv").status_code == 200


def test_statistics_follow_the_quiz_across_versions_where_it_did_not_change(
    client, auth, make_user, courses_dir
):
    """A typo fixed in a module publishes 1.0.1; the quiz is the same, so the educator's
    numbers keep counting. A changed quiz (1.0.2) starts afresh."""
    from sqlalchemy import select

    from lms.content.models import Course

    def publish(**kwargs):
        kwargs.setdefault("questions", 2)
        folder = write_course(courses_dir, "stats-course", course={"owners": [OWNER]}, **kwargs)
        assert [r.outcome for r in sync_courses(folder)] == ["new"]
        course = db.session.scalar(select(Course).where(Course.slug == "stats-course"))
        return quiz_of(course.latest_version)

    first = publish(version="1.0.0")
    for _ in range(3):
        answer(make_user(), first, {1: [1], 2: [0, 1]})
    fixed = publish(version="1.0.1", module_text="Some reading about cell therapy, typo fixed.")
    assert fixed.id != first.id
    for _ in range(2):
        answer(make_user(), fixed, {1: [0], 2: [0, 1]})
    one, _two = question_stats(fixed)
    assert (one.answers, one.correct) == (5, 3)
    assert [c.picks for c in one.choices] == [2, 3, 0]
    assert question_stats(first)[0].answers == 5  # the same quiz, from either version

    changed = publish(version="1.0.2", questions=3)
    assert [s.answers for s in question_stats(changed)] == [0, 0, 0]

    auth.login(make_user(role=Role.educator, email=OWNER))
    page = client.get("/educator/quizzes/").get_data(as_text=True)
    assert "1.0.1, 1.0.0" in page  # one row for the unchanged quiz, counting both
    assert page.count(f"/educator/quizzes/{fixed.id}") == 1
    assert f"/educator/quizzes/{first.id}" not in page
    assert f"/educator/quizzes/{changed.id}" in page


@pytest.mark.parametrize(
    ("lang", "shown", "other"), [("sv", "Fråga 1", "Question 1"), ("en", "Question 1", "Fråga 1")]
)
def test_questions_read_in_the_pages_language(
    client, auth, make_user, make_course, lang, shown, other
):
    """An English course with a Swedish quiz: the Swedish page shows the Swedish question,
    the English page the English one (the CSV follows the page)."""
    version = make_course(questions=1, swedish=True, course={"owners": [OWNER]})
    quiz = quiz_of(version)
    answer(make_user(), quiz, {1: [1]})
    educator = make_user(role=Role.educator, email=OWNER)
    educator.locale = lang
    db.session.commit()
    auth.login(educator)
    page = client.get(f"/educator/quizzes/{quiz.id}/").get_data(as_text=True)
    assert f"{shown}</h2>" in page
    assert other not in page
    body = client.get(f"/educator/quizzes/{quiz.id}/stats.csv").get_data().decode("utf-8-sig")
    assert shown in body
