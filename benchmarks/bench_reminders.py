"""Benchmark: ``flask lms send-reminders`` with nothing to send, and the training matrix of a
2,000-person centre, each against a pure Flask route in the same process and run.

Not a test: it builds a database of ``--people`` people (default 50,000; 2,000 of them at
Karolinska, the rest over the other six centres) and 10 required courses (10 requirements for
every centre, so 10 open assignments per person: 500,000 assignments, all due in 90 days and
made 30 days ago, so nothing is due to be sent), and a valid certificate (expiring in a year)
for one person × course pair in five. Then, in rounds:

* ``reminders.run()``: recertification, assigned/due/overdue/expiry reminders and the digest
  queries, all set-based; with nothing to send it writes nothing;
* GET /centre/matrix as the Karolinska centre admin (Flask test client, full request) and the
  number of SQL statements it sends;
* GET /__bench/bare: a route that returns "ok" behind the same hooks (the pure Flask baseline).

It prints medians and the ratios, and exits non-zero only when a request does not answer
200 or the run queued anything. SQLite by default (a temporary file); set
``LMS_BENCH_DATABASE_URL`` to run on PostgreSQL. THAT DATABASE IS EMPTIED.
Run with ``.venv/bin/python benchmarks/bench_reminders.py [--people 50000] [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_reports import _reset_postgres  # noqa: E402

PASSWORD = "benchmark admin passphrase 2026"
PROFESSIONS = ["nurse", "pharmacist", "researcher", "physician", "other"]
COURSES = 10
MATRIX_CENTRE_PEOPLE = 2000
CHUNK = 20000


def make_app(url: str):
    from lms import create_app
    from lms.access import public

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "LMS_MAIL_KICK": False,
            "LMS_COURSES_DIR": str(ROOT / "courses"),
            "LMS_BASE_URL": "https://learn.example.se",
            "LMS_DIGEST_WEEKDAY": (date.today().weekday() + 1) % 7,  # not today
        }
    )

    @app.route("/__bench/bare")
    @public
    def bench_bare():
        return "ok"

    return app


def _insert(conn, table, rows: list[dict]) -> None:
    from sqlalchemy import insert

    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start : start + CHUNK])


def populate(app, people: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms.auth.passwords import hash_password
    from lms.content.models import Course, CourseVersion
    from lms.extensions import db
    from lms.models import Centre, User
    from lms.plugins.compliance.models import Requirement

    meta = db.metadata.tables
    now = datetime.now().replace(microsecond=0)
    today = date.today()
    with app.app_context():
        upgrade(revision="heads")
        conn = db.session.connection()
        centres = list(db.session.scalars(select(Centre.id).order_by(Centre.id)))
        karolinska = db.session.scalar(select(Centre.id).where(Centre.slug == "karolinska"))
        others = [c for c in centres if c != karolinska]
        for n in range(1, COURSES + 1):
            _insert(
                conn, Course.__table__, [{"id": n, "slug": f"course-{n:02d}", "created_at": now}]
            )
            _insert(conn, CourseVersion.__table__, [{
                "id": n, "course_id": n, "version": "1.0.0", "major": 1, "minor": 0, "patch": 0,
                "content_hash": f"{n:064d}", "title": f"Course {n:02d}", "summary": "s",
                "description_html": "<p>d</p>", "audiences": PROFESSIONS, "language": "en",
                "estimated_minutes": 30, "enrolment": "assigned", "pass_mark": 80,
                "certificate_valid_months": 24, "status": "published", "owners": [],
                "translations": {}, "search_text": "", "synced_at": now,
            }])  # fmt: skip
            conn.execute(
                Course.__table__.update()
                .where(Course.__table__.c.id == n)
                .values(latest_version_id=n, published_version_id=n)
            )
        users = [
            {
                "id": i,
                "email": f"p{i}@example.com",
                "name": f"Person {i:06d} Åström",
                "password_hash": None,
                "profession": PROFESSIONS[i % 5],
                "role": "learner",
                "centre_id": karolinska if i <= MATRIX_CENTRE_PEOPLE else others[i % len(others)],
                "unit": "Hematologi" if i % 3 == 0 else None,
                "active": True,
                "session_version": 1,
                "created_at": now - timedelta(days=400),
                "locale": "sv" if i % 2 else "en",
            }
            for i in range(1, people + 1)
        ]
        _insert(conn, User.__table__, users)
        admin = people + 1
        _insert(conn, User.__table__, [{
            "id": admin, "email": "centre-admin@example.com", "name": "Admin",
            "password_hash": hash_password(PASSWORD), "profession": "other",
            "role": "centre_admin", "centre_id": karolinska, "active": True,
            "session_version": 1, "created_at": now,
        }])  # fmt: skip
        _insert(conn, Requirement.__table__, [
            {"id": n, "name": f"Requirement {n}", "reason": "r", "centre_id": None,
             "profession": None, "unit": None, "course_id": n, "days_to_complete": 120,
             "created_by_id": admin, "created_at": now - timedelta(days=30)}
            for n in range(1, COURSES + 1)
        ])  # fmt: skip
        made = now - timedelta(days=30)
        due = today + timedelta(days=90)
        assignments = [
            {"course_id": c, "user_id": u, "centre_id": users[u - 1]["centre_id"], "due_on": due,
             "assigned_by_id": admin, "created_at": made, "requirement_id": c,
             "reason": f"Requirement {c}"}
            for u in range(1, people + 1)
            for c in range(1, COURSES + 1)
        ]  # fmt: skip
        _insert(conn, meta["enrolment_assignment"], assignments)
        certificates = []
        for u in range(1, people + 1):
            c = u % COURSES + 1
            if u % 5 == 0:
                certificates.append({
                    "code": f"B{u:09d}", "user_id": u, "course_id": c, "version_id": c,
                    "enrolment_id": u, "completion_id": u, "name": "n", "profession": "nurse",
                    "centre_name": None, "course_slug": f"course-{c:02d}", "course_title": "t",
                    "version": "1.0.0", "content_hash": "x", "completed_at": made,
                    "completed_on": made.date(), "expires_on": today + timedelta(days=365),
                    "issued_at": made, "language": "en",
                })  # fmt: skip
        _insert(conn, meta["certificates_certificate"], certificates)
        db.session.commit()
        # Fresh statistics, as autovacuum would gather after a bulk load (without them
        # PostgreSQL plans the anti-joins as if the tables were empty).
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()


def median_seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the PostgreSQL database a run built"
    )
    args = parser.parse_args()
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    tmp = None
    if url:
        if not args.reuse:
            _reset_postgres(url)
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    app = make_app(url)
    start = time.perf_counter()
    if not args.reuse:
        populate(app, args.people)
    built = time.perf_counter() - start
    print(f"database: {url.split(':')[0]}, {args.people} people x {COURSES} requirements "
          f"({args.people * COURSES} assignments), built in {built:.0f} s")  # fmt: skip

    from lms.extensions import db
    from lms.mail.models import OutboxMessage
    from lms.plugins.compliance import reminders
    from tests.sql import counting

    with app.app_context():
        client = app.test_client()
        response = client.post(
            "/auth/login", data={"email": "centre-admin@example.com", "password": PASSWORD}
        )
        if response.status_code != 302:
            raise SystemExit(f"login: HTTP {response.status_code}")

        def nothing_to_send():
            report = reminders.run()
            if report.lines:
                raise SystemExit(f"the run queued something: {report.lines[:3]}")

        def get(url: str):
            def fetch():
                answer = client.get(url)
                if answer.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {answer.status_code}")

            return fetch

        get("/centre/matrix")()
        with counting(transaction_control=False) as statements:
            get("/centre/matrix")()
        bare = median_seconds(get("/__bench/bare"), args.rounds * 20)
        job = median_seconds(nothing_to_send, args.rounds)
        matrix = median_seconds(get("/centre/matrix"), args.rounds)
        queued = db.session.query(OutboxMessage).count()
    print(f"pure Flask route (/__bench/bare):      {bare * 1000:8.2f} ms")
    print(f"send-reminders, nothing to send:       {job * 1000:8.1f} ms  "
          f"(ratio {job / bare:,.0f}x the bare route; target well under 1 s)")  # fmt: skip
    print(f"/centre/matrix, {MATRIX_CENTRE_PEOPLE} people x {COURSES}:   {matrix * 1000:8.1f} ms  "
          f"(ratio {matrix / bare:,.0f}x); {len(statements)} SQL statements")  # fmt: skip
    if queued:
        print(f"unexpected: {queued} messages queued")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
