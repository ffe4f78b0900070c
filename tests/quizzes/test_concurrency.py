"""Races: concurrent starts never exceed ``max_attempts`` nor make two attempts in progress;
concurrent submissions of one attempt give exactly one result and one ``quiz_passed``."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from lms import events
from lms.content.models import Quiz
from lms.extensions import db
from lms.plugins.quizzes import services
from lms.plugins.quizzes.models import Answer, Attempt
from tests.quizzes.conftest import attempts, hidden, quiz_of, right_answers, take_url

THREADS = 8
passed_events: list = []


def on_quiz_passed(sender, payload):
    passed_events.append(payload)


def race(app, fn, n=THREADS):
    """Run ``fn`` in ``n`` threads released together, each in its own app context."""
    barrier = threading.Barrier(n)
    db.session.rollback()  # the test's own session holds no lock or snapshot meanwhile

    def run(_):
        with app.app_context():
            barrier.wait()
            try:
                return fn()
            except Exception as exc:  # the outcome is what we assert on
                return exc
            finally:
                db.session.remove()

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(run, range(n)))
    db.session.rollback()  # and sees what the threads stored
    return results


def _start(app, user_id, quiz_id):
    def start():
        quiz = db.session.get(Quiz, quiz_id)
        return services.start_attempt(user_id, quiz).id

    return race(app, start)


def test_concurrent_starts_make_exactly_one_attempt(app, make_user, make_course):
    user = make_user()
    quiz = quiz_of(make_course(questions=3))
    ids = _start(app, user.id, quiz.id)
    assert all(isinstance(i, int) for i in ids), ids
    assert len(set(ids)) == 1
    assert len(attempts(user.id)) == 1


def test_concurrent_starts_cannot_pass_the_attempt_limit(app, make_user, make_course):
    user = make_user()
    version = make_course(questions=2, quiz={"max_attempts": 3})
    quiz = quiz_of(version)
    for _ in range(2):
        attempt = services.start_attempt(user.id, quiz)
        services.submit(attempt, attempt.lock_version, {}, services.drawn_questions(attempt))
    ids = _start(app, user.id, quiz.id)
    assert len({i for i in ids if isinstance(i, int)}) == 1
    last = db.session.get(Attempt, ids[0])
    assert last.number == 3
    services.submit(last, last.lock_version, {}, services.drawn_questions(last))
    outcomes = _start(app, user.id, quiz.id)
    assert all(isinstance(o, services.NoAttemptsLeft) for o in outcomes), outcomes
    assert [a.number for a in attempts(user.id)] == [1, 2, 3]


def clones(app, client) -> list:
    """THREADS clients sharing ``client``'s session cookie (as it is now)."""
    cookie = client.get_cookie("lms_session")
    clients = []
    for _ in range(THREADS):
        other = app.test_client()
        other.set_cookie("lms_session", cookie.value)
        clients.append(other)
    return clients


def test_concurrent_submissions_give_exactly_one_result(app, client, auth, make_user, make_course):
    passed_events.clear()
    events.connect(app, events.quiz_passed, on_quiz_passed)
    user = make_user()
    auth.login(user)
    version = make_course(questions=3)
    quiz = quiz_of(version)
    url = take_url(version, quiz)
    client.post(url + "start")
    page = client.get(url).get_data(as_text=True)
    data = {**hidden(page), **right_answers(quiz), "csrf_token": client.csrf_token()}
    clients = clones(app, client)
    pool = iter(clients)
    lock = threading.Lock()

    def post():
        with lock:
            mine = next(pool)
        return mine.post(url, data=data).status_code

    codes = race(app, post)
    assert sorted(codes) == [303] + [409] * (THREADS - 1), codes
    (attempt,) = attempts(user.id)
    assert attempt.status == "submitted"
    assert attempt.lock_version == 2
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 3
    assert len(passed_events) == 1
