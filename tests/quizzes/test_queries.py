"""Queries per page do not grow with questions, attempts, learners or courses."""

from __future__ import annotations

from lms.models import Role
from lms.plugins.quizzes import services
from tests.quizzes.conftest import hidden, quiz_of, right_answers, take_url
from tests.sql import counting

OWNER = "owner@example.com"


def fill(make_user, quiz, learners: int) -> None:
    for _ in range(learners):
        attempt = services.start_attempt(make_user().id, quiz)
        questions = services.drawn_questions(attempt)
        answers = {str(q.id): [0] for q in questions}
        services.submit(attempt, attempt.lock_version, answers, questions)


def learner_pages(client, auth, make_user, make_course, slug, questions, learners):
    version = make_course(slug, questions=questions, course={"owners": [OWNER]})
    quiz = quiz_of(version)
    fill(make_user, quiz, learners)
    auth.login(make_user())
    url = take_url(version, quiz)
    client.post(url + "start")  # the attempt is created by the start button
    with counting() as form:
        page = client.get(url).get_data(as_text=True)
    data = {**hidden(page), **right_answers(quiz)}
    with counting() as submit:
        location = client.post(url, data=data).headers["Location"]
    with counting() as result:
        client.get(location)
    auth.logout()
    return len(form), len(submit), len(result), quiz


def educator_pages(client, auth, educator, quiz_id):
    auth.login(educator)
    counts = []
    for url in (
        "/educator/quizzes/",
        f"/educator/quizzes/{quiz_id}/",
        f"/educator/quizzes/{quiz_id}/stats.csv",
    ):
        with counting() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    auth.logout()
    return counts


def test_queries_are_constant(client, auth, make_user, make_course):
    small = learner_pages(client, auth, make_user, make_course, "small", 2, 1)
    educator = make_user(role=Role.educator, email=OWNER)
    small_educator = educator_pages(client, auth, educator, small[3].id)
    for n in range(4):
        make_course(f"more-{n}", questions=3, course={"owners": [OWNER]})
    large = learner_pages(client, auth, make_user, make_course, "large", 12, 15)
    large_educator = educator_pages(client, auth, educator, large[3].id)
    assert large[:3] == small[:3]
    assert large_educator == small_educator
    assert max(small[:3]) <= 15
    assert max(small_educator) <= 9  # statistics across unchanged versions: one more
