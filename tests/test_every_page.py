"""Every page of the app, for every role, in Swedish and English: no error, and a GET never
writes (issue 12, §3).

The data is what a running site has: courses with Swedish translations, one of them owned
by the educator and one still a draft, a learner who completed a course (certificate), failed
an attempt, has one in progress and is enrolled on an older version than the published one,
an assignment, an invited person. Every GET route of the app is visited (a route this test
cannot fill in fails it, so new pages are covered), plus the variants that take another
path through the views. While the GETs run, every INSERT, UPDATE or DELETE sent to the
database is recorded: there must be none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import event, select, update

from lms.extensions import db
from lms.models import Role, User
from tests.access_rules import ANY, PUBLIC, collect
from tests.catalog.helpers import SVG
from tests.conftest import write_course

EXPECTED, _SAMPLE = collect()
LANGUAGES = ("sv", "en")
OWNER = "owner.educator@example.com"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|ALTER|CREATE|DROP)\b", re.IGNORECASE)

# (endpoint, role) whose expected answer is not 2xx/3xx, and why.
NOT_FOUND_FOR = {
    # The attempt and the certificate's PDF are the learner's own.
    ("quizzes.result", Role.educator): 404,
    ("quizzes.result", Role.centre_admin): 404,
    ("quizzes.result", Role.site_admin): 404,
    ("certificates.pdf", Role.educator): 404,
    # A staff file waiting for confirmation is its uploader's (the centre admin's).
    ("enrolment.import_preview", Role.site_admin): 404,
    # Outside training's evidence: the person's own, their centre admin's, site admins'.
    ("records.evidence", Role.educator): 404,
}
# Single sign-on answers 404 while no provider is configured, as here; tests/sso/ opens
# its pages against real providers.
NOT_FOUND_ENDPOINTS = {"sso.leaving", "sso.logged_out", "sso.login", "sso.oidc_callback",
                       "sso.saml_complete", "sso.saml_metadata", "sso.saml_sls"}  # fmt: skip


@dataclass
class Site:
    users: dict[Role | None, User | None]
    args: dict[str, object]
    per_endpoint: dict[str, dict] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)


def _answer(quiz, right: bool) -> dict[str, list[int]]:
    answers = {}
    for question in quiz.questions:
        key = [i for i, c in enumerate(question.choices) if c["correct"] == right]
        answers[str(question.id)] = key[:1] if not right else key
    return answers


def _take(user, quiz, *, right: bool, submit: bool = True):
    from lms.plugins.quizzes import services

    attempt = services.start_attempt(user.id, quiz)
    if submit:
        questions = services.drawn_questions(attempt)
        services.submit(attempt, attempt.lock_version, _answer(quiz, right), questions)
    return attempt


@pytest.fixture
def site(app, make_user, make_course, courses_dir) -> Site:
    """The data of a site in use, written through the services the pages use."""
    from lms.auth.services import make_reset_token
    from lms.content.models import Course
    from lms.content.sync import sync_courses
    from lms.plugins.certificates.models import Certificate
    from lms.plugins.enrolment import assignments, services
    from lms.plugins.enrolment.invitations import make_token
    from lms.plugins.enrolment.models import Assignment, Enrolment

    users = {
        None: None,
        Role.learner: make_user(name="Nora Nurse", email="nora@example.com"),
        Role.educator: make_user(role=Role.educator, name="Eva Educator", email=OWNER),
        Role.centre_admin: make_user(role=Role.centre_admin, name="Cecilia Centre"),
        Role.site_admin: make_user(role=Role.site_admin, name="Sam Site"),
    }
    learner = users[Role.learner]
    invited = make_user(name="Ivar Invited", email="ivar@example.com")
    invited.password_hash = None
    db.session.commit()
    folder = write_course(
        courses_dir,
        "owned-course",
        title="Owned Course",
        swedish=True,
        final_quiz=True,
        quiz_modules=(1, 2),
        course={"owners": [OWNER], "certificate_valid_months": 24},
    )
    (folder / "images").mkdir()
    (folder / "images" / "diagram.svg").write_text(SVG)
    assert [r.outcome for r in sync_courses(folder)] == ["new"]
    owned = db.session.scalar(select(Course).where(Course.slug == "owned-course")).latest_version
    make_course("draft-course", status="draft", swedish=True, course={"owners": [OWNER]})
    behind = make_course("moving-course", swedish=True, quiz_modules=(2,))
    make_course("key-course", course={"enrolment": "key", "enrolment_key": "nyckel-1"})
    make_course("assigned-course", course={"enrolment": "assigned"})

    course = owned.course
    services.enrol(learner, course)
    for module in owned.modules:
        quiz = next((q for q in owned.quizzes if q.module_id == module.id), None)
        if quiz is None:
            services.mark_done(services.active_enrolment(learner.id, course.id), module,
                               source="reading")  # fmt: skip
    failed = None
    for quiz in owned.quizzes:
        if failed is None:
            failed = _take(learner, quiz, right=False)
        _take(learner, quiz, right=True)
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None, "the learner should hold a certificate"

    # Enrolled on 1.0.0 of a course whose 1.0.1 is out, with an attempt in progress.
    services.enrol(learner, behind.course)
    write_course(courses_dir, "moving-course", version="1.0.1", swedish=True,
                 quiz_modules=(2,), module_text="Corrected reading.")  # fmt: skip
    assert [r.outcome for r in sync_courses(courses_dir / "moving-course")] == ["new"]
    db.session.execute(update(Enrolment).where(Enrolment.course_id == behind.course_id)
                       .values(version_id=behind.id))  # fmt: skip
    db.session.commit()
    _take(learner, behind.quizzes[0], right=False, submit=False)

    assignments.assign(
        db.session.get(type(course), course.id),
        [learner],
        actor=users[Role.centre_admin],
        due_on=None,
    )
    # A requirement (compliance): the matrix, /me/ and /centre/ have something to show.
    from lms.plugins.compliance import services as compliance

    compliance.create(
        users[Role.centre_admin],
        name="CAR-T qualification",
        reason="Product information",
        centre_id=users[Role.centre_admin].centre_id,
        profession=None,
        unit=None,
        course_id=db.session.get(type(course), course.id).id,
        days_to_complete=30,
    )
    # Someone without a centre asks to join the centre admin's centre.
    from lms.membership import domains
    from lms.membership import services as membership

    newcomer = make_user(name="Nils Newcomer", email="nils@example.com", centre=None)
    request = membership.ask(newcomer, users[Role.centre_admin].centre).membership
    db.session.commit()

    # The owned course is managed in the app, so its authoring pages have a draft to show.
    from lms.plugins.authoring import access as authoring
    from lms.plugins.authoring import uploads

    educator = users[Role.educator]
    uploads.import_into_app(
        authoring.find("owned-course", educator), uploads.read_folder(folder), actor=educator
    )

    # A staff file the centre admin uploaded, waiting for confirmation (the preview).
    from lms.plugins.enrolment import importer

    staged = importer.stage(
        importer.parse(b"E-post;Namn;Befattning;Enhet\nny@example.com;Ny Person;Kurator;Hem\n"),
        centre=users[Role.centre_admin].centre,
        actor=users[Role.centre_admin],
        course=course,
        assign=False,
        due_on=None,
        file_name="personal.csv",
    )

    # Training the learner did elsewhere, recorded by their centre admin, with evidence.
    from lms.plugins.records import external

    outside = external.record(
        users[Role.centre_admin],
        learner,
        course=None,
        title="Manufacturer's product training",
        provider="Manufacturer",
        completed_on=date(2026, 1, 15),
        valid_until=None,
        evidence=external.Evidence(data=b"%PDF-1.4\n%%EOF\n", name="e.pdf"),
        reason="Certificate shown",
    )

    quiz = owned.quizzes[0]
    shown_code = certificate.code
    from lms.plugins.certificates import codes

    args = {
        "course": "owned-course",
        "module": owned.modules[0].slug,
        "quiz": quiz.slug,
        "attempt_id": failed.id,
        "quiz_id": quiz.id,
        "user_id": learner.id,
        "code": codes.display(shown_code),
        "path": "images/diagram.svg",
        "filename": "css/app.css",
        "request_id": request.id,
        "number": 1,
        "record_id": outside.id,
        "preview_lang": "sv",
        "slug": "region",
        # POST-only routes (tests/test_junk_input.py): ids that may or may not exist.
        "domain_id": 1,
        "identity_id": 1,
        "centre_id": users[Role.centre_admin].centre_id,
        "token": "not-a-token",
        "batch_id": staged.id,
        "assignment_id": db.session.scalar(select(Assignment.id)),
        "requirement_id": 1,
    }
    per_endpoint = {
        "auth.reset_password": {"token": make_reset_token(invited)},
        "enrolment.accept_invitation": {"token": make_token(invited)},
        "membership.verify_email": {"token": domains.make_token(newcomer)},
        "authoring.static": {"filename": "editor.js"},
    }
    extra = [
        "/courses/?q=owned&audience=all&language=sv",
        "/courses/draft-course/",
        "/courses/draft-course/module-1/",
        f"/courses/draft-course/quiz/{quiz.slug}/",
        "/courses/moving-course/",
        "/courses/moving-course/module-2/",
        f"/courses/moving-course/quiz/{behind.quizzes[0].slug}/",
        "/courses/key-course/",
        "/courses/assigned-course/",
        "/me/",
        "/centre/?course=owned-course",
        "/centre/people?page=1&status=completed",
        "/admin/users?q=nora",
        f"/certificates/{codes.display(shown_code)}",
    ]
    db.session.commit()
    return Site(users=users, args=args, per_endpoint=per_endpoint, extra=extra)


def _urls(app, site: Site) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {**site.args, **site.per_endpoint.get(rule.endpoint, {})}
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.endpoint}: teach this test a value for {missing}"
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        found.append((rule.endpoint, url))
    return found


def _allowed(endpoint: str, role) -> bool:
    expected = EXPECTED[endpoint]
    if expected == PUBLIC:
        return True
    if role is None:
        return False
    return expected == ANY or role in expected


class Writes:
    """Every statement that changes the database, while ``recording`` is on."""

    def __init__(self):
        self.recording = False
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.recording and WRITES.match(statement):
            self.seen.append(statement.split("\n")[0][:120])


@pytest.fixture
def config_overrides():
    return {"LMS_BASE_URL": "https://learn.example.se"}


def test_every_get_page_renders_for_every_role_in_both_languages_and_writes_nothing(
    app, site, auth
):
    urls = _urls(app, site)
    writes = Writes()
    event.listen(db.engine, "before_cursor_execute", writes)
    problems = []
    try:
        for role, user in site.users.items():
            client = app.test_client()
            if user is not None:
                type(auth)(client).login(user)
            for language in LANGUAGES:
                client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
                visits = [*urls, *((None, url) for url in site.extra)]
                for endpoint, url in visits:
                    if endpoint == "static":
                        continue
                    where = f"{language} {getattr(role, 'value', 'anonymous')} GET {url}"
                    writes.seen.clear()
                    writes.recording = True
                    try:
                        response = client.get(url)
                    except Exception as error:  # the test client re-raises what was a 500
                        problems.append(f"{where}: {error!r}")
                        db.session.rollback()
                        continue
                    finally:
                        writes.recording = False
                    status = response.status_code
                    response.close()
                    if writes.seen:
                        problems.append(f"{where}: wrote {writes.seen}")
                    if status >= 500:
                        problems.append(f"{where}: {status}")
                    elif endpoint is None:
                        if status not in (200, 302, 403, 404):
                            problems.append(f"{where}: {status}")
                    elif endpoint in NOT_FOUND_ENDPOINTS:
                        if status != 404:
                            problems.append(f"{where}: {status}, expected 404")
                    elif (endpoint, role) in NOT_FOUND_FOR:
                        if status != NOT_FOUND_FOR[(endpoint, role)]:
                            problems.append(f"{where}: {status}, expected "
                                            f"{NOT_FOUND_FOR[(endpoint, role)]}")  # fmt: skip
                    elif _allowed(endpoint, role) and status not in (200, 301, 302, 303):
                        problems.append(f"{where}: {status}")
                    elif not _allowed(endpoint, role) and status not in (302, 403):
                        problems.append(f"{where}: {status}, expected a refusal")
    finally:
        event.remove(db.engine, "before_cursor_execute", writes)
    assert not problems, "\n".join(problems)
