"""Starting a quiz is a POST that writes once (the attempt) and lets go of SQLite's write
lock; the quiz page is a GET that only reads, beside writers, so a page being drawn never
keeps other learners' submissions waiting."""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine import make_url

from lms.extensions import db
from lms.plugins.quizzes import views
from tests.quizzes.conftest import attempts, hidden, quiz_of, right_answers, take_url
from tests.quizzes.test_concurrency import clones, race


def _lock_is_free(app) -> bool | None:
    """Could another process take SQLite's write lock right now? None off SQLite."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return None
    other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_the_form_renders_after_the_write_lock_is_let_go(
    app, client, auth, make_user, make_course, monkeypatch
):
    user = make_user()
    auth.login(user)
    version = make_course(questions=2)
    quiz = quiz_of(version)
    url = take_url(version, quiz)
    seen = []
    real = views.render_template

    def rendering(template, **context):
        connection = db.session.connection()
        seen.append((template, connection.info.get("lms_write_lock"), _lock_is_free(app)))
        return real(template, **context)

    monkeypatch.setattr(views, "render_template", rendering)
    assert client.post(url + "start").status_code == 303
    assert seen == []  # starting renders nothing: it redirects to the form
    page = client.get(url).get_data(as_text=True)
    assert 'name="attempt_id"' in page
    assert len(attempts(user.id)) == 1
    assert seen[0][0] == "quizzes/take.html"
    assert not seen[0][1]  # the transaction the form reads in began deferred
    assert seen[0][2] in (True, None)  # and the lock is free meanwhile (SQLite)
    response = client.post(url, data={**hidden(page), **right_answers(quiz)})
    assert response.status_code == 303
    assert [a.status for a in attempts(user.id)] == ["submitted"]


def test_two_tabs_starting_the_quiz_at_once_share_one_attempt(
    app, client, auth, make_user, make_course
):
    user = make_user()
    auth.login(user)
    version = make_course(questions=3)
    quiz = quiz_of(version)
    url = take_url(version, quiz)
    token = client.csrf_token()  # in the session the tabs share
    tabs = iter(clones(app, client))

    def open_form():
        tab = next(tabs)
        started = tab.post(url + "start", data={"csrf_token": token})
        response = tab.get(url)
        return started.status_code, hidden(response.get_data(as_text=True)).get("attempt_id")

    results = race(app, open_form)
    assert {status for status, _ in results} == {303}, results
    (attempt,) = attempts(user.id)
    assert {attempt_id for _, attempt_id in results} == {str(attempt.id)}
    assert attempt.status == "in_progress"
