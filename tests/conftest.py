"""Fixtures: a fresh app per test on SQLite or PostgreSQL, a CSRF-aware client, factories.

The schema is built once per run through the real migrations (so every run also tests them);
each test then gets a copy (SQLite) or emptied tables (PostgreSQL). Set
``LMS_TEST_DATABASE_URL`` to run the suite on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from lms import create_app
from lms.extensions import db, limiter, sqlite_deferred_outside_requests
from tests.sso.servers import sso_servers  # noqa: F401  (session-wide identity providers)

# The browser tests need Debian's Chromium; without it they are not collected at all.
collect_ignore_glob = [] if Path("/usr/bin/chromium").exists() else ["e2e/*"]
# What only PostgreSQL can show (two app instances sharing it and Redis, writers that
# really interleave): the PostgreSQL round only.
if not os.environ.get("LMS_TEST_DATABASE_URL"):
    collect_ignore_glob.append("cluster/*")
else:  # the fault tests always run their own SQLite site: once is enough
    collect_ignore_glob.append("faults/*")

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
if PG_URL and PG_URL.startswith("postgresql://"):
    PG_URL = "postgresql+psycopg://" + PG_URL[len("postgresql://") :]
PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")  # "heads": a third-party plugin may bring its own branch
        db.engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (``<name>_gw0``...),
    created on first use, since every test empties the tables of the database it uses."""
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """The migrated schema: a SQLite file to copy per test, or the PostgreSQL URL to use."""
    if PG_URL:
        url = _worker_database(PG_URL)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return path


def _empty_postgres_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables if t.name != "centre"]
    if tables:
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.session.commit()


class CSRFClient(FlaskClient):
    """A test client that fills in the CSRF token like a browser form would.

    Pass ``csrf=False`` to send a form without one.
    """

    def csrf_token(self) -> str:
        page = self.get("/accessibility").get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def open(self, *args, **kwargs):
        # Each request gets its own app context (fresh ``g`` and database session), as in
        # production; the test's own session then re-reads what the request stored.
        db.session.commit()  # end the test's read snapshot before the request writes
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()  # and start afresh after it (this also expires what was read)
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "json" not in kwargs:
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture
def config_overrides() -> dict:
    """Override in a test module (or via parametrize) to change the app's config."""
    return {}


@pytest.fixture
def app(database_template, tmp_path, config_overrides):
    if PG_URL:
        url = database_template
    else:
        target = tmp_path / "test.sqlite"
        shutil.copy(database_template, target)
        url = f"sqlite:///{target}"
    courses = tmp_path / "courses"
    courses.mkdir()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "LMS_COURSES_DIR": str(courses), **config_overrides}
    )
    app.test_client_class = CSRFClient
    limiter.reset()
    deferred = sqlite_deferred_outside_requests.set(True)
    with app.app_context():
        yield app
        db.session.remove()
        _assert_reports_in_step(app)
        if PG_URL:
            _empty_postgres_tables()
        db.engine.dispose()
    sqlite_deferred_outside_requests.reset(deferred)


def _assert_reports_in_step(app) -> None:
    """Every test is also a test of ``records_changed``: whatever it wrote, through
    whichever path, the reports' own tables must still agree with the records."""
    from lms.plugins import enabled_plugins

    if "reports" not in enabled_plugins(app):
        return
    from lms.plugins.reports import services, store

    tables = services.tables()
    if tables is not None:
        differing = store.differences(tables)
        db.session.remove()
        assert differing == 0, "the reports' tables drifted from the records"


@pytest.fixture
def client(app) -> CSRFClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def clock(app):
    """Fix the app's clock (``lms.clock``): ``clock.set("2026-03-29T23:30Z")``,
    ``clock.advance(days=1)``. It starts at the real time; the test, its requests and the
    app's threads all read it. Released after the test."""
    from lms import clock as lms_clock

    fixed = lms_clock.fix(app, lms_clock.utcnow())
    yield fixed
    lms_clock.release(app)


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on a free loopback port, and the app configured to send
    through it. ``smtp_server.messages`` are the delivered messages."""
    from tests.mailbox import SMTPServer

    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False)
    yield server
    server.stop()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash() -> str:
    from lms.auth.passwords import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def centres(app):
    from lms.models import Centre

    return {c.slug: c for c in db.session.scalars(db.select(Centre))}


@pytest.fixture
def make_user(app, centres, password_hash):
    """Factory: ``make_user(role=Role.centre_admin, centre="skane")`` -> a stored User.
    A person with several roles: ``make_user(roles=(Role.educator, Role.centre_admin))``."""
    from lms.models import (
        CentreMembership,
        MembershipSource,
        MembershipStatus,
        Profession,
        Role,
        User,
    )

    counter = itertools.count(1)

    def make(
        *,
        email: str | None = None,
        name: str | None = None,
        role: Role = Role.learner,
        roles: tuple[Role, ...] = (),
        centre: str | None = "karolinska",
        profession: Profession = Profession.nurse,
        active: bool = True,
        locale: str | None = None,
    ) -> User:
        n = next(counter)
        user = User(
            email=email or f"user{n}@example.com",
            name=name or f"Test User {n}",
            password_hash=password_hash,
            centre_id=centres[centre].id if centre else None,
            profession=profession,
            active=active,
            locale=locale,
        )
        user.grant(role, *roles)
        db.session.add(user)
        if centre:
            db.session.flush()
            db.session.add(
                CentreMembership(
                    user_id=user.id,
                    centre_id=user.centre_id,
                    status=MembershipStatus.confirmed,
                    source=MembershipSource.admin,
                    decided_at=user.created_at,
                    decided_via="admin",
                )
            )
        db.session.commit()
        return user

    return make


class AuthActions:
    def __init__(self, client: CSRFClient):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD, **kwargs):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post(
            "/auth/login", data={"email": email, "password": password}, **kwargs
        )

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def courses_dir(app) -> Path:
    return Path(app.config["LMS_COURSES_DIR"])


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the catalogues so the suite never runs against stale .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "lms" / "translations"
    for po_path in root.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # Written aside and renamed: parallel test workers may compile at the same moment.
        target = po_path.with_suffix(".mo")
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(target)


def _front_matter(values: dict) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(values, allow_unicode=True, sort_keys=False) + "---\n"


# Every course says that the SmPC and local procedures come first (lms/content/lint.py).
PRECEDENCE_EN = "The SmPC and local procedures take precedence over this course."
PRECEDENCE_SV = "Produktresumén och lokala rutiner har företräde framför kursen."


def write_course(
    root: Path,
    slug: str = "test-course",
    *,
    title: str | None = None,
    version: str = "1.0.0",
    status: str = "published",
    audiences: tuple[str, ...] = ("nurse",),
    language: str = "en",
    modules: int = 2,
    quiz_modules: tuple[int, ...] = (1,),
    final_quiz: bool = False,
    questions: int = 2,
    swedish: bool = False,
    module_text: str = "Some reading about cell therapy.",
    course: dict | None = None,
    quiz: dict | None = None,
) -> Path:
    """Write a small valid course. Question ``n`` of every quiz has three choices and
    "Right n" is the correct one; question 2 (when there) is select-all with two rights."""
    folder = root / slug
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    meta = {
        "title": title or slug.replace("-", " ").title(),
        "summary": f"Summary of {slug}.",
        "audiences": list(audiences),
        "version": version,
        "language": language,
        "estimated_minutes": 30,
        "status": status,
        **(course or {}),
    }
    note = PRECEDENCE_SV if language == "sv" else PRECEDENCE_EN
    (folder / "course.md").write_text(_front_matter(meta) + f"About {slug}.\n\n{note}\n")
    if swedish:
        (folder / "course.sv.md").write_text(
            _front_matter({"title": f"Kurs {slug}", "summary": "Svensk sammanfattning."})
            + f"Om kursen.\n\n{PRECEDENCE_SV}\n"
        )

    def quiz_body(sv: bool = False) -> str:
        parts = []
        for n in range(1, questions + 1):
            word = "Fråga" if sv else "Question"
            if n == 2:
                parts.append(
                    f"## {word} {n}: select all\n- [x] Right {n}\n- [x] Also right {n}\n"
                    f"- [ ] Wrong {n}\n> Explanation {n}.\n"
                )
            else:
                parts.append(
                    f"## {word} {n}\n- [ ] Wrong {n}a\n- [x] Right {n}\n- [ ] Wrong {n}b\n"
                    f"> Explanation {n}.\n"
                )
        return "\n".join(parts)

    for number in range(1, modules + 1):
        name = f"{number:02d}-module-{number}"
        (folder / f"{name}.md").write_text(
            _front_matter({"title": f"Module {number}", "minutes": 5})
            + f"## Part one\n\n{module_text} Module {number}.\n"
        )
        if swedish:
            (folder / f"{name}.sv.md").write_text(
                _front_matter({"title": f"Modul {number}"})
                + f"## Del ett\n\nSvensk text {number}.\n"
            )
        if number in quiz_modules:
            (folder / f"{name}.quiz.md").write_text(
                _front_matter({"title": f"Quiz {number}", **(quiz or {})}) + quiz_body()
            )
            if swedish:
                (folder / f"{name}.quiz.sv.md").write_text(
                    _front_matter({"title": f"Test {number}"}) + quiz_body(sv=True)
                )
    if final_quiz:
        (folder / "99-final.quiz.md").write_text(
            _front_matter({"title": "Final quiz", **(quiz or {})}) + quiz_body()
        )
    return folder


@pytest.fixture
def make_course(app, courses_dir):
    """Factory: write a course into the app's courses folder, sync it, return its latest
    stored CourseVersion. Takes the keyword arguments of :func:`write_course`."""
    from lms.content.models import Course
    from lms.content.sync import sync_courses

    def make(slug: str = "test-course", **kwargs):
        folder = write_course(courses_dir, slug, **kwargs)
        results = sync_courses(folder)
        assert [r.outcome for r in results] in (["new"], ["unchanged"]), [str(r) for r in results]
        course = db.session.scalar(db.select(Course).where(Course.slug == slug))
        return course.latest_version

    return make
