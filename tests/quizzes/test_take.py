"""Taking a quiz: the form, submission, feedback, retries, limits, replays and enrolment."""

from __future__ import annotations

import pytest

from lms import events
from lms.extensions import db
from lms.plugins.quizzes.models import Answer, Pick
from tests.quizzes.conftest import (
    attempts,
    open_form,
    quiz_of,
    right_answers,
    start_url,
    submit,
    take_url,
    wrong_answers,
)

passed_events: list = []
enrol_requests: list = []


def on_quiz_passed(sender, payload):
    passed_events.append(payload)


def refuse_enrolment(sender, payload):
    enrol_requests.append(payload)
    return None


def allow_enrolment(sender, payload):
    enrol_requests.append(payload)
    return 42


@pytest.fixture(autouse=True)
def _reset():
    passed_events.clear()
    enrol_requests.clear()


@pytest.fixture
def listen(app):
    events.connect(app, events.quiz_passed, on_quiz_passed)


def test_starting_the_quiz_creates_one_attempt_and_reopening_resumes_it(
    client, learner, make_course
):
    version = make_course(questions=3)
    quiz = quiz_of(version)
    page, fields = open_form(client, version, quiz)
    assert "Question 1 of 3:" in page
    assert '<fieldset class="card quiz-question">' in page
    assert 'type="radio"' in page
    assert 'type="checkbox"' in page
    _page, again = open_form(client, version, quiz)
    assert again == fields
    stored = attempts(learner.id)
    assert len(stored) == 1
    assert (stored[0].number, stored[0].status, stored[0].lock_version) == (1, "in_progress", 1)


def test_right_answers_pass_store_everything_and_emit_quiz_passed_once(
    client, learner, make_course, listen
):
    version = make_course(questions=3)
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    response = submit(client, version, quiz, fields, right_answers(quiz))
    assert response.status_code == 303
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passed" in result
    assert "100%" in result
    assert "Explanation 1." in result
    assert "Correct answer" in result
    (attempt,) = attempts(learner.id)
    assert (attempt.status, attempt.passed, attempt.score_percent) == ("submitted", True, 100.0)
    expected = {key[1:]: [int(v) for v in values] for key, values in right_answers(quiz).items()}
    assert attempt.answers == expected
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 3
    assert db.session.scalar(db.select(db.func.count(Pick.id))) == 4  # 1 + 2 + 1
    assert len(passed_events) == 1
    event = passed_events[0]
    assert (event.user_id, event.quiz_id, event.module_id, event.attempt_id) == (
        learner.id,
        quiz.id,
        quiz.module_id,
        attempt.id,
    )
    assert (event.course_id, event.version_id, event.score_percent) == (
        version.course_id,
        version.id,
        100.0,
    )


def test_double_submit_and_replay_change_nothing_and_say_so(client, learner, make_course, listen):
    version = make_course(questions=2)
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    first = submit(client, version, quiz, fields, right_answers(quiz))
    assert first.status_code == 303
    again = submit(client, version, quiz, fields, wrong_answers(quiz))
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert "already submitted. Nothing was changed." in text
    assert first.headers["Location"] in text
    (attempt,) = attempts(learner.id)
    assert attempt.passed is True
    assert attempt.score_percent == 100.0
    assert len(passed_events) == 1


def test_failing_offers_a_retry_and_the_back_button_cannot_change_the_old_attempt(
    client, learner, make_course
):
    version = make_course(questions=2, quiz={"max_attempts": 2})
    quiz = quiz_of(version)
    _page, first_fields = open_form(client, version, quiz)
    response = submit(client, version, quiz, first_fields, wrong_answers(quiz))
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not passed" in result
    assert "Try again" in result
    _page, second_fields = open_form(client, version, quiz)  # "try again" starts attempt 2
    assert second_fields["attempt_id"] != first_fields["attempt_id"]
    back = submit(client, version, quiz, first_fields, right_answers(quiz))  # back button
    assert back.status_code == 409
    first, second = attempts(learner.id)
    assert (first.number, first.passed, first.score_percent) == (1, False, 0.0)
    assert (second.number, second.status) == (2, "in_progress")
    response = submit(client, version, quiz, second_fields, wrong_answers(quiz))
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have used all your attempts" in result
    assert "Try again" not in result
    page = client.get(take_url(version, quiz)).get_data(as_text=True)
    assert "You have used all your attempts" in page
    assert len(attempts(learner.id)) == 2


def test_a_stale_lock_version_is_refused(client, learner, make_course):
    version = make_course()
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    response = submit(client, version, quiz, {**fields, "lock_version": "7"}, right_answers(quiz))
    assert response.status_code == 409
    assert attempts(learner.id)[0].status == "in_progress"


@pytest.mark.parametrize("tamper", ["unknown", "range", "two"])
def test_tampered_answers_are_refused_with_a_message_and_nothing_stored(
    client, learner, make_course, tamper
):
    version = make_course()
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    answers = right_answers(quiz)
    first = quiz.questions[0]
    if tamper == "unknown":
        answers["q999999"] = ["0"]
    elif tamper == "range":
        answers[f"q{first.id}"] = ["9"]
    else:
        answers[f"q{first.id}"] = ["0", "1"]
    response = submit(client, version, quiz, fields, answers)
    assert response.status_code == 422
    assert "Your answers were not sent" in response.get_data(as_text=True)
    (attempt,) = attempts(learner.id)
    assert attempt.status == "in_progress"
    assert attempt.answers == {}
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


@pytest.mark.parametrize("token", [None, "not-a-valid-token"])
def test_expired_csrf_token_keeps_the_answers_and_stores_nothing(
    client, learner, make_course, token
):
    version = make_course()
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    answers = right_answers(quiz)
    data = {**fields, **answers}
    if token:
        data["csrf_token"] = token
    response = client.post(take_url(version, quiz), data=data, csrf=False)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your session had expired; your answers are kept." in page
    for question in quiz.questions:
        for value in answers[f"q{question.id}"]:
            assert f'name="q{question.id}" value="{value}" checked' in page
    assert attempts(learner.id)[0].status == "in_progress"
    # The re-shown form carries a fresh token: sending it again works.
    again = client.post(take_url(version, quiz), data=data | {"csrf_token": client.csrf_token()})
    assert again.status_code == 303


def test_result_is_for_its_owner_only(client, auth, make_user, make_course):
    version = make_course()
    quiz = quiz_of(version)
    owner = make_user()
    auth.login(owner)
    _page, fields = open_form(client, version, quiz)
    location = submit(client, version, quiz, fields, right_answers(quiz)).headers["Location"]
    auth.logout()
    auth.login(make_user())
    assert client.get(location).status_code == 404
    # Nor can another learner submit into someone else's attempt.
    assert submit(client, version, quiz, fields, right_answers(quiz)).status_code == 404
    assert client.get(location.replace("/quiz/module-1/", "/quiz/other/")).status_code == 404


def test_not_enrolled_learner_is_refused_with_a_link_to_the_course(
    app, client, learner, make_course
):
    events.connect(app, events.ensure_enrolment, refuse_enrolment)
    version = make_course(course={"enrolment": "key", "enrolment_key": "k-1"})
    quiz = quiz_of(version)
    for response in (client.get(take_url(version, quiz)), client.post(start_url(version, quiz))):
        assert response.status_code == 403
        page = response.get_data(as_text=True)
        assert "Enrol in the course first" in page
        assert 'href="/courses/test-course/"' in page
    assert attempts() == []
    looked, started = enrol_requests
    assert (looked.user_id, looked.course_id, looked.version_id, looked.enrol_if_open) == (
        learner.id,
        version.course_id,
        version.id,
        False,  # a GET only asks
    )
    assert started.enrol_if_open is True  # the POST that starts may enrol


def test_an_open_course_offers_to_start_when_the_enrolment_plugin_refuses_for_now(
    app, client, learner, make_course
):
    events.connect(app, events.ensure_enrolment, refuse_enrolment)
    version = make_course()
    quiz = quiz_of(version)
    page = client.get(take_url(version, quiz)).get_data(as_text=True)
    assert "Starting the quiz enrols you in the course." in page
    assert client.post(start_url(version, quiz)).status_code == 403
    assert attempts() == []


def test_enrolment_receiver_that_enrols_lets_the_learner_in(app, client, learner, make_course):
    events.connect(app, events.ensure_enrolment, allow_enrolment)
    version = make_course()
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    assert submit(client, version, quiz, fields, right_answers(quiz)).status_code == 303
    # Starting may enrol; submitting only checks.
    assert [r.enrol_if_open for r in enrol_requests] == [True, False]


def test_swedish_learner_sees_the_translation(client, make_user, auth, make_course):
    auth.login(make_user(locale="sv"))
    version = make_course(swedish=True)
    quiz = quiz_of(version)
    page, _fields = open_form(client, version, quiz)
    assert "Fråga 1" in page
    assert "Test 1" in page


def test_draft_course_quiz_is_hidden_from_learners(client, learner, make_course):
    version = make_course(status="draft")
    assert client.get(take_url(version, quiz_of(version))).status_code == 404


def test_passed_learner_sees_the_pass_and_may_take_it_again(client, learner, make_course):
    version = make_course()
    quiz = quiz_of(version)
    _page, fields = open_form(client, version, quiz)
    submit(client, version, quiz, fields, right_answers(quiz))
    page = client.get(take_url(version, quiz)).get_data(as_text=True)
    assert "You have passed this quiz." in page
    assert f'action="{start_url(version, quiz)}"' in page  # "Take the quiz again": a POST
    assert len(attempts(learner.id)) == 1
    client.post(start_url(version, quiz))
    assert [a.number for a in attempts(learner.id)] == [1, 2]


def test_attempt_keeps_its_version_when_a_new_one_is_published(client, learner, make_course):
    old = make_course(questions=2)
    old_quiz = quiz_of(old)
    _page, fields = open_form(client, old, old_quiz)
    new = make_course(questions=3, version="1.1.0")
    assert new.id != old.id
    page = client.get(take_url(new, quiz_of(new))).get_data(as_text=True)
    assert "Question 1 of 2:" in page  # still the attempt started on 1.0.0
    assert submit(client, old, old_quiz, fields, right_answers(old_quiz)).status_code == 303
    page = client.get(take_url(new, quiz_of(new))).get_data(as_text=True)
    assert "You have passed this quiz." not in page  # the new version's quiz is a new quiz
    page, _fields = open_form(client, new, quiz_of(new))
    assert "Question 1 of 3:" in page


def test_bank_draw_is_fixed_for_the_attempt(client, learner, make_course):
    version = make_course(questions=6, quiz={"questions_per_attempt": 3, "shuffle": True})
    quiz = quiz_of(version)
    first, first_fields = open_form(client, version, quiz)
    second, second_fields = open_form(client, version, quiz)
    assert first.count('class="card quiz-question"') == 3
    assert first_fields == second_fields
    assert (
        first.split("<form")[1].split('name="csrf_token"')[0]
        == second.split("<form")[1].split('name="csrf_token"')[0]
    )
    assert first.split('name="lock_version"')[1] == second.split('name="lock_version"')[1]
    (attempt,) = attempts(learner.id)
    positions = [first.index(f'name="q{qid}"') for qid in attempt.question_ids]
    assert positions == sorted(positions)
    for qid in attempt.question_ids:
        order = attempt.choice_orders[str(qid)]
        spots = [first.index(f'id="q{qid}-{i}"') for i in order]
        assert spots == sorted(spots)


def test_completion_blockers_name_course_quizzes_until_passed(app, client, learner, make_course):
    version = make_course(final_quiz=True)
    final = quiz_of(version, "final")
    query = events.CompletionQuery(learner.id, version.course_id, version.id, enrolment_id=1)
    blocker = ["Final quiz not passed: Final quiz"]

    def blockers():
        # The reasons are shown to the learner, in the learner's language.
        with app.test_request_context(headers={"Accept-Language": "en"}):
            return events.emit(events.completion_blockers, query)

    assert blocker in blockers()
    _page, fields = open_form(client, version, final)
    submit(client, version, final, fields, wrong_answers(final))
    assert blocker in blockers()
    _page, fields = open_form(client, version, final)
    submit(client, version, final, fields, right_answers(final))
    assert blocker not in blockers()
    assert [] in blockers()


def test_a_final_quiz_passed_before_a_new_cycle_no_longer_unblocks_completion(
    app, make_user, make_course
):
    """When a learner takes a course again (a revoked certificate), enrolment asks what
    blocks completion *since* the new cycle began: the old pass does not count."""
    from datetime import datetime

    from lms import events
    from lms.plugins.quizzes.models import SUBMITTED, Attempt

    version = make_course(final_quiz=True, quiz_modules=())
    final = next(q for q in version.quizzes if q.module_id is None)
    learner = make_user()
    db.session.add(
        Attempt(
            user_id=learner.id,
            quiz_id=final.id,
            number=1,
            status=SUBMITTED,
            question_ids=[],
            choice_orders={},
            passed=True,
            submitted_at=datetime(2026, 3, 1, 12),
        )
    )
    db.session.commit()

    def blockers(since):
        query = events.CompletionQuery(
            user_id=learner.id,
            course_id=version.course_id,
            version_id=version.id,
            enrolment_id=1,
            since=since,
        )
        return [r for reasons in events.emit(events.completion_blockers, query) for r in reasons]

    assert blockers(None) == []
    assert blockers(datetime(2026, 2, 1)) == []
    assert len(blockers(datetime(2026, 3, 2))) == 1  # the final quiz, not passed since
