"""Benchmark: the learner dashboard /me/ and a course page with few and many enrolments.

Not a test: it builds a throw-away SQLite database, gives one learner 5 and then 40
enrolled courses (three modules each, some done, one completed, an assignment each), and
prints the SQL statements and the median time per request for /me/ and the course page.
The statement count must not grow with the number of courses; it exits non-zero when it
does or when a request fails. Run: ``.venv/bin/python benchmarks/bench_dashboard.py``.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 20


def setup(tmp: Path):
    os.environ.update(
        {
            "LMS_CONFIG": "development",
            "LMS_DEMO": "0",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
            "LMS_COURSES_DIR": str(tmp / "courses"),
            "LMS_ENTRY_POINT_PLUGINS": "0",
            "LMS_RATELIMIT_ENABLED": "0",
        }
    )
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from lms import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        upgrade(revision="heads")
    return app


def add_courses(app, tmp: Path, first: int, last: int, learner_id: int, admin_id: int) -> None:
    from sqlalchemy import select

    from lms.content.models import Module
    from lms.content.sync import sync_courses
    from lms.extensions import db
    from lms.models import User
    from lms.plugins.enrolment import assignments, services
    from tests.conftest import write_course

    with app.app_context():
        learner, admin = db.session.get(User, learner_id), db.session.get(User, admin_id)
        for n in range(first, last):
            folder = write_course(tmp / "courses", f"bench-{n}", modules=3, quiz_modules=())
            sync_courses(folder)
            course = services.course_by_slug(f"bench-{n}")
            services.enrol(learner, course)
            enrolment = services.active_enrolment(learner.id, course.id)
            modules = db.session.scalars(
                select(Module).where(Module.version_id == course.published_version_id)
            ).all()
            for module in modules[: 3 if n % 5 == 0 else 1]:
                services.mark_done(enrolment, module, source="reading")
            assignments.assign(course, [learner], actor=admin, due_on=None)


def measure(app, client, url: str) -> tuple[int, float]:
    from sqlalchemy import event

    from lms.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    times = []
    for _ in range(ROUNDS):
        statements.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    event.remove(engine, "before_cursor_execute", count)
    return len(statements), statistics.median(times) * 1000


def main() -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        app = setup(tmp)
        from lms.auth.services import register_user
        from lms.extensions import db
        from lms.models import Centre, Profession, Role

        with app.app_context():
            centre = db.session.scalar(db.select(Centre).order_by(Centre.id))
            learner = register_user(
                email="bench@example.com",
                name="Bench",
                password="bench passphrase 2026",
                centre_id=centre.id,
                profession=Profession.nurse,
            )
            admin = register_user(
                email="chef@example.com",
                name="Chef",
                password=None,
                centre_id=centre.id,
                profession=Profession.other,
                roles=(Role.centre_admin,),
            )
            ids = learner.id, admin.id
        client = app.test_client()
        client.post(
            "/auth/login", data={"email": "bench@example.com", "password": "bench passphrase 2026"}
        )
        results = {}
        for size, (first, last) in (("5 courses", (0, 5)), ("40 courses", (5, 40))):
            add_courses(app, tmp, first, last, *ids)
            for url in ("/me/", "/courses/bench-1/"):
                results[(size, url)] = measure(app, client, url)
                queries, ms = results[(size, url)]
                print(f"{size:>10}  {url:<20} {queries:3d} statements  {ms:7.1f} ms median")
        grew = [
            url
            for url in ("/me/", "/courses/bench-1/")
            if results[("40 courses", url)][0] > results[("5 courses", url)][0]
        ]
        if grew:
            print("statement count grew with the rows:", ", ".join(grew))
            return 1
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
