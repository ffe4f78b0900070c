"""More attempts for one learner (issue 12, §3): owners, admins of the learner's centre and
site admins grant them with a reason, audited; the locked-out learner sees whom to ask by
name instead of "contact the course's educators"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Role
from tests.quizzes.conftest import attempts, open_form, quiz_of, submit, take_url, wrong_answers

OWNER = "owner@example.com"


@pytest.fixture
def config_overrides():
    return {"LMS_PLUGINS": ["catalog", "enrolment", "quizzes"]}


@pytest.fixture
def locked_out(client, auth, make_user, make_course):
    """A learner at Karolinska who failed both attempts of a quiz owned by OWNER."""
    version = make_course(questions=2, quiz={"max_attempts": 2}, course={"owners": [OWNER]})
    quiz = quiz_of(version)
    learner = make_user(name="Lena Learner", centre="karolinska")
    auth.login(learner)
    for _ in range(2):
        _page, fields = open_form(client, version, quiz)
        submit(client, version, quiz, fields, wrong_answers(quiz))
    auth.logout()
    return version, quiz, learner


def test_the_learner_sees_whom_to_ask_by_name(client, auth, make_user, locked_out):
    version, quiz, learner = locked_out
    make_user(role=Role.educator, email=OWNER, name="Olle Owner")
    make_user(role=Role.centre_admin, centre="karolinska", name="Karin Karolinska")
    make_user(role=Role.centre_admin, centre="skane", name="Sven Skane")
    make_user(role=Role.educator, name="Other Educator")
    auth.login(learner)
    page = client.get(take_url(version, quiz)).get_data(as_text=True)
    assert "You have used all your attempts" in page
    assert "Olle Owner" in page
    assert f"mailto:{OWNER}" in page
    assert "Karin Karolinska" in page
    assert "Sven Skane" not in page
    assert "Other Educator" not in page
    assert "Contact the course owners" not in page


def test_without_owners_or_centre_admins_the_site_admins_are_named(
    client, auth, make_user, make_course
):
    version = make_course(questions=2, quiz={"max_attempts": 1})
    quiz = quiz_of(version)
    make_user(role=Role.site_admin, name="Sam Site")
    learner = make_user(centre="umea")
    auth.login(learner)
    _page, fields = open_form(client, version, quiz)
    result = submit(client, version, quiz, fields, wrong_answers(quiz))
    page = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "Sam Site" in page


@pytest.mark.parametrize(
    "granter",
    [
        {"role": Role.educator, "email": OWNER},
        {"role": Role.centre_admin, "centre": "karolinska"},
        {"role": Role.site_admin, "centre": "skane"},
    ],
)
def test_who_may_grant_grants_with_a_reason_and_it_is_audited(
    client, auth, make_user, locked_out, granter
):
    version, quiz, learner = locked_out
    actor = make_user(**granter)
    auth.login(actor)
    listing = client.get("/quizzes/extra-attempts").get_data(as_text=True)
    url = f"/quizzes/extra-attempts/{quiz.id}/{learner.id}"
    assert "Lena Learner" in listing
    assert f'href="{url}"' in listing
    page = client.get(url).get_data(as_text=True)
    assert "2 of 2 used" in page
    assert "already seen the right answers" in page
    refused = client.post(url, data={"extra": "1", "reason": ""})
    assert refused.status_code == 422
    response = client.post(url, data={"extra": "1", "reason": "Ill on the day of the test"})
    assert response.status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "quiz.attempts_granted")
    )
    assert (event.actor_id, event.subject_id) == (actor.id, learner.id)
    assert event.details["reason"] == "Ill on the day of the test"
    assert event.details["extra"] == 1
    assert f'href="{url}"' not in client.get("/quizzes/extra-attempts").get_data(as_text=True)
    auth.logout()
    auth.login(learner)
    page = client.get(take_url(version, quiz)).get_data(as_text=True)
    assert "2 of 3 used" in page
    _page, fields = open_form(client, version, quiz)
    assert [a.number for a in attempts(learner.id)] == [1, 2, 3]
    assert client.post(take_url(version, quiz) + "start").status_code == 303
    submit(client, version, quiz, fields, wrong_answers(quiz))
    assert len(attempts(learner.id)) == 3  # and no fourth


@pytest.mark.parametrize(
    "outsider",
    [
        {"role": Role.educator, "email": "not-the-owner@example.com"},
        {"role": Role.centre_admin, "centre": "skane"},
        {"role": Role.learner},
    ],
)
def test_others_may_not_grant(client, auth, make_user, locked_out, outsider):
    _version, quiz, learner = locked_out
    auth.login(make_user(**outsider))
    url = f"/quizzes/extra-attempts/{quiz.id}/{learner.id}"
    expected = 403 if outsider["role"] == Role.learner else 404
    assert client.get(url).status_code == expected
    assert client.post(url, data={"extra": "1", "reason": "x"}).status_code == expected
    listing = client.get("/quizzes/extra-attempts")
    assert "Lena Learner" not in listing.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "quiz.attempts_granted")) is None  # fmt: skip


def test_the_learners_data_download_holds_attempts_and_grants(client, auth, make_user, locked_out):
    _version, quiz, learner = locked_out
    auth.login(make_user(role=Role.site_admin))
    client.post(f"/quizzes/extra-attempts/{quiz.id}/{learner.id}",
                data={"extra": "2", "reason": "New staff, first week"})  # fmt: skip
    auth.logout()
    auth.login(learner)
    data = client.post("/auth/my-data.json").get_json()["quizzes"]
    assert [a["number"] for a in data["attempts"]] == [1, 2]
    first = data["attempts"][0]
    assert (first["course"], first["quiz"], first["version"]) == ("test-course", quiz.slug, "1.0.0")
    assert first["passed"] is False
    assert set(first["answers"]) == {str(q.id) for q in quiz.questions}
    assert data["extra_attempts"] == [
        {**{k: first[k] for k in ("course", "version", "quiz")}, "extra": 2,
         "reason": "New staff, first week", "granted_at": data["extra_attempts"][0]["granted_at"]}
    ]  # fmt: skip
    assert "correct" not in str(data)


def test_the_list_searches_by_name_or_email(client, auth, make_user, locked_out):
    _version, quiz, learner = locked_out
    auth.login(make_user(role=Role.site_admin, centre="skane"))
    url = f"/quizzes/extra-attempts/{quiz.id}/{learner.id}"
    for term in ("lena", "LEARNER", learner.email[:6]):
        page = client.get("/quizzes/extra-attempts", query_string={"q": term})
        assert f'href="{url}"' in page.get_data(as_text=True)
    page = client.get("/quizzes/extra-attempts?q=nobody%25").get_data(as_text=True)
    assert f'href="{url}"' not in page
    assert "Nobody matching “nobody%” has used every attempt" in page
    assert '<label for="q">Find a person by name or e-mail</label>' in page
