"""Demo activity: what the demo accounts have done, played through the app's own pages.

``flask lms seed-demo`` makes the demo accounts; then, once the courses are loaded, it plays
a few weeks of ordinary use through the same pages a browser would use (log in, enrol, read,
take the quizzes with the right answers, assign), so every role finds real records: the
nurse holds a certificate and is part-way through a second course, the pharmacist has a
course assigned with a due date, the centre admin sees progress, an assignment and a person
asking to join Karolinska. Nothing here writes to the database directly: every record comes
from the code paths real users take, with their signals, audit events and queued mail.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from lms import audit, clock
from lms.content.models import Course, Module, Quiz
from lms.extensions import db
from lms.models import AuditEvent

TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HIDDEN_RE = re.compile(r'name="(attempt_id|lock_version)" (?:type="hidden" )?value="(\d+)"')
PLAYED = "demo.activity_played"
JOINING = ("olle@example.com", "Olle Olsson (demo)")


class DemoError(RuntimeError):
    """A page answered the demo play with something other than what a browser expects."""


class _Visitor:
    """One person's browser: a test client with its own cookies."""

    def __init__(self, app: Flask, email: str | None, password: str) -> None:
        self.app = app
        self.client = app.test_client()
        if email is not None:
            self.post("/auth/login", {"email": email, "password": password})

    def _send(self, method: str, url: str, **kwargs):
        # Each request in an app context of its own (its own ``g`` and database session),
        # as in a server; the caller's session ends its transaction first.
        db.session.commit()
        with self.app.app_context():
            return self.client.open(url, method=method, **kwargs)

    def get(self, url: str) -> str:
        response = self._send("GET", url)
        if response.status_code != 200:
            raise DemoError(f"GET {url}: HTTP {response.status_code}")
        return response.get_data(as_text=True)

    def post(self, url: str, form: dict, *, page: str | None = None) -> None:
        """POST ``form`` with the token of ``page`` (the page at ``url`` when None), as the
        form on that page would; a redirect (302/303) is the only answer taken as done."""
        match = TOKEN_RE.search(page if page is not None else self.get(url))
        if match is None:
            raise DemoError(f"no form token for {url}")
        response = self._send("POST", url, data={"csrf_token": match.group(1), **form})
        if response.status_code not in (302, 303):
            raise DemoError(f"POST {url}: HTTP {response.status_code}")


def play(app: Flask, *, password: str) -> list[str]:
    """Play the demo accounts' activity once; returns one line per thing done.

    Needs the demo accounts (``seed-demo``) and the courses of ``courses/`` loaded
    (``sync-courses``). Runs once per database: a second call returns [] (an audit event
    ``demo.activity_played`` marks it). Raises DemoError when a page does not answer as it
    does in a browser; what was done before that stays, as it would for a person.
    """
    if db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == PLAYED)):
        return []
    slugs = set(db.session.scalars(select(Course.slug)))
    wanted = {"car-t-nursing", "atmp-fundamentals", "safe-handling", "car-t-receipt-storage-thaw"}
    if not wanted <= slugs:
        raise DemoError("load the courses first (flask lms sync-courses)")
    done: list[str] = []
    nurse = _Visitor(app, "nurse@example.com", password)
    _take_course(nurse, "car-t-nursing")
    done.append("nurse@example.com completed car-t-nursing (certificate issued)")
    _take_course(nurse, "atmp-fundamentals", modules=1)
    done.append("nurse@example.com read the first module of atmp-fundamentals")
    pharmacist = _Visitor(app, "pharmacist@example.com", password)
    _take_course(pharmacist, "safe-handling", modules=1)
    done.append("pharmacist@example.com read the first module of safe-handling")
    admin = _Visitor(app, "centre-admin@example.com", password)
    due = clock.local_today() + timedelta(days=21)
    course_id = db.session.scalar(
        select(Course.id).where(Course.slug == "car-t-receipt-storage-thaw")
    )
    admin.post(
        "/centre/assignments",
        {
            "course": str(course_id),
            "target": "profession",
            "profession": "pharmacist",
            "due_on": due.isoformat(),
        },
    )
    done.append(
        f"centre-admin@example.com assigned car-t-receipt-storage-thaw to pharmacists, due {due}"
    )
    _require_nursing(admin)
    done.append("centre-admin@example.com requires car-t-nursing of Karolinska's nurses in 30 days")
    newcomer = _Visitor(app, None, password)
    page = newcomer.get("/auth/register")
    centre = re.search(r'<option value="(\d+)"[^>]*>[^<]*Karolinska', page)
    if centre is None:
        raise DemoError("no Karolinska on the registration page")
    email, name = JOINING
    newcomer.post(
        "/auth/register",
        {
            "name": name,
            "email": email,
            "password": password,
            "confirm": password,
            "centre": centre.group(1),
            "profession": "nurse",
        },
        page=page,
    )
    done.append(f"{email} registered and asks to join Karolinska")
    audit.record(PLAYED, done=done)
    db.session.commit()
    return done


def _require_nursing(admin: _Visitor) -> None:
    """The centre admin's first training requirement: the centre's nurses hold the CAR-T
    nursing course within 30 days (the demo nurse already does), so the matrix shows it."""
    page = admin.get("/centre/requirements")
    centre = re.search(r'name="centre"[^>]*>\s*<option[^>]*value="(\d+)"', page)
    if centre is None:
        raise DemoError("no centre on the requirements page")
    nursing = db.session.scalar(select(Course.id).where(Course.slug == "car-t-nursing"))
    form = {
        # The centre admin's own words, in Swedish like the centres (stored as typed).
        "name": "CAR-T-behörighet (sjuksköterskor)",
        "reason": "Sjuksköterskor som vårdar CAR-T-patienter ska vara utbildade innan "
        "centret kvalificeras.",
        "centre": centre.group(1),
        "profession": "nurse",
        "unit": "",
        "course": str(nursing),
        "days_to_complete": "30",
    }
    admin.post("/centre/requirements", form, page=page)


def _take_course(visitor: _Visitor, slug: str, *, modules: int | None = None) -> None:
    """Enrol in ``slug`` and do its first ``modules`` modules (all when None): read a
    reading module and mark it done, pass a quizzed module's quiz with the right answers."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    version = course.published_version
    page = visitor.get(f"/courses/{slug}/")
    if f"/courses/{slug}/enrol" in page:
        visitor.post(f"/courses/{slug}/enrol", {}, page=page)
    rows = db.session.scalars(
        select(Module).where(Module.version_id == version.id).order_by(Module.number)
    ).all()
    quizzes = {
        q.module_id: q
        for q in db.session.scalars(select(Quiz).where(Quiz.version_id == version.id))
    }
    for module in rows[:modules]:
        page = visitor.get(f"/courses/{slug}/{module.slug}/")
        quiz = quizzes.get(module.id)
        if quiz is None:
            visitor.post(f"/courses/{slug}/{module.slug}/complete", {}, page=page)
        else:
            _pass_quiz(visitor, f"/courses/{slug}/quiz/{quiz.slug}/", quiz)


def _pass_quiz(visitor: _Visitor, url: str, quiz: Quiz) -> None:
    page = visitor.get(url)
    if "attempt_id" not in page:
        visitor.post(url + "start", {}, page=page)
        page = visitor.get(url)
    answers = {
        f"q{question.id}": [
            str(i) for i, choice in enumerate(question.choices) if choice["correct"]
        ]
        for question in quiz.questions
    }
    visitor.post(url, {**dict(HIDDEN_RE.findall(page)), **answers}, page=page)
