"""Benchmark: the centre report against the bare SQL GROUP BY it is built on.

Not a test: it builds a database with 100,000 enrolments over 7 centres, 5 professions and
20 courses (with progress, completions, certificates that are valid, expiring, expired,
never expiring or revoked, and assignments with due dates, some overdue), then measures in
the same process and round:

* the bare query: enrolments of one centre grouped by course and status (one GROUP BY);
* the centre page: GET /centre/ as that centre's admin (Flask test client, full request);
* the network view: GET /centre/ as a site admin (every centre);
* for information, the people list (first page) and the CSV export of the centre.

It prints the medians over ``--rounds`` rounds and the ratio page/bare, says whether the
target (the centre page within 3x the bare query) was met, and exits non-zero only when a
request does not answer 200. SQLite by default (a temporary file); set
``LMS_BENCH_DATABASE_URL`` to run on PostgreSQL as well. THAT DATABASE IS EMPTIED.
Run with ``.venv/bin/python benchmarks/bench_reports.py`` (``--enrolments`` to resize).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark admin passphrase 2026"
PROFESSIONS = ["nurse", "pharmacist", "researcher", "physician", "other"]
COURSES = 20


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str):
    from lms import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "LMS_COURSES_DIR": str(ROOT / "courses"),
        }
    )


def populate(app, enrolments: int, seed: int = 7) -> dict:
    """Bulk inserts with Core ``insert()`` executemany; returns who to log in as."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from lms.auth.passwords import hash_password
    from lms.content.models import Course, CourseVersion, Module
    from lms.extensions import db
    from lms.models import Centre, User

    meta = db.metadata.tables
    rnd = random.Random(seed)
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    with app.app_context():
        upgrade(revision="heads")
        conn = db.session.connection()
        centre_ids = list(db.session.scalars(select(Centre.id).order_by(Centre.id)))
        for n in range(1, COURSES + 1):
            conn.execute(
                insert(Course.__table__), [{"id": n, "slug": f"course-{n:02d}", "created_at": now}]
            )
            conn.execute(
                insert(CourseVersion.__table__),
                [
                    {
                        "id": n,
                        "course_id": n,
                        "version": "1.0.0",
                        "major": 1,
                        "minor": 0,
                        "patch": 0,
                        "content_hash": f"{n:064d}",
                        "title": f"Course {n:02d}",
                        "summary": "s",
                        "description_html": "<p>d</p>",
                        "audiences": PROFESSIONS,
                        "language": "en",
                        "estimated_minutes": 30,
                        "enrolment": "open",
                        "pass_mark": 80,
                        "certificate_valid_months": 24 if n % 4 else None,
                        "status": "published",
                        "owners": ["educator@example.com"],
                        "translations": {},
                        "search_text": "",
                        "synced_at": now,
                    }
                ],
            )
            conn.execute(
                insert(Module.__table__),
                [
                    {
                        "id": n,
                        "version_id": n,
                        "number": 1,
                        "slug": "m",
                        "title": "M",
                        "minutes": 5,
                        "audiences": [],
                        "html": "",
                        "toc_html": "",
                        "translations": {},
                        "content_hash": "x",
                    }
                ],
            )
            conn.execute(
                Course.__table__.update()
                .where(Course.__table__.c.id == n)
                .values(latest_version_id=n, published_version_id=n)
            )
        people = enrolments // 5
        users = [
            {
                "id": i,
                "email": f"p{i}@example.com",
                "name": f"Person {i:06d} Åström",
                "password_hash": None,
                "profession": PROFESSIONS[i % 5],
                "role": "learner",
                "centre_id": centre_ids[i % len(centre_ids)],
                "active": i % 50 != 0,
                "session_version": 1,
                "created_at": now,
            }
            for i in range(1, people + 1)
        ]
        conn.execute(insert(User.__table__), users)
        admin_hash = hash_password(PASSWORD)
        admins = {"centre": people + 1, "site": people + 2}
        conn.execute(
            insert(User.__table__),
            [
                {
                    "id": admins["centre"],
                    "email": "centre-admin@example.com",
                    "name": "Admin",
                    "password_hash": admin_hash,
                    "profession": "other",
                    "role": "centre_admin",
                    "centre_id": centre_ids[0],
                    "active": True,
                    "session_version": 1,
                    "created_at": now,
                },
                {
                    "id": admins["site"],
                    "email": "site-admin@example.com",
                    "name": "Root",
                    "password_hash": admin_hash,
                    "profession": "other",
                    "role": "site_admin",
                    "centre_id": None,
                    "active": True,
                    "session_version": 1,
                    "created_at": now,
                },
            ],
        )
        enrol, progress, completion, cert, assign = [], [], [], [], []
        eid = 0
        for user in range(1, people + 1):
            for course in rnd.sample(range(1, COURSES + 1), 5):
                eid += 1
                enrolled_at = now - timedelta(days=rnd.randint(30, 1400))
                status = "withdrawn" if rnd.random() < 0.03 else "active"
                enrol.append(
                    {
                        "id": eid,
                        "user_id": user,
                        "course_id": course,
                        "version_id": course,
                        "status": status,
                        "method": "open",
                        "enrolled_at": enrolled_at,
                    }
                )
                roll = rnd.random()
                if roll < 0.7:
                    progress.append(
                        {
                            "enrolment_id": eid,
                            "version_id": course,
                            "module_id": course,
                            "source": "reading",
                            "done_at": enrolled_at,
                        }
                    )
                if roll < 0.5:
                    done = enrolled_at + timedelta(days=rnd.randint(1, 20))
                    completion.append(
                        {
                            "id": eid,
                            "enrolment_id": eid,
                            "user_id": user,
                            "course_id": course,
                            "version_id": course,
                            "completed_at": done,
                            "score_percent": 90.0,
                        }
                    )
                    if roll < 0.48:
                        months = 24 if course % 4 else None
                        expires = done.date() + timedelta(days=730) if months else None
                        cert.append(
                            {
                                "code": f"{eid:028d}",
                                "user_id": user,
                                "course_id": course,
                                "version_id": course,
                                "enrolment_id": eid,
                                "completion_id": eid,
                                "name": "x",
                                "profession": "nurse",
                                "centre_name": None,
                                "course_slug": "c",
                                "course_title": "C",
                                "version": "1.0.0",
                                "content_hash": "h",
                                "completed_at": done,
                                "completed_on": done.date(),
                                "score_percent": 90.0,
                                "expires_on": expires,
                                "issued_at": done,
                                "language": "en",
                                "revoked_at": now if rnd.random() < 0.02 else None,
                            }
                        )
                if rnd.random() < 0.3:
                    assign.append(
                        {
                            "course_id": course,
                            "user_id": user,
                            "centre_id": users[user - 1]["centre_id"],
                            "due_on": today + timedelta(days=rnd.randint(-120, 180)),
                            "created_at": enrolled_at,
                        }
                    )
            if user % 10 == 0:  # assigned, never enrolled
                assign.append(
                    {
                        "course_id": (user % COURSES) + 1,
                        "user_id": user,
                        "centre_id": users[user - 1]["centre_id"],
                        "due_on": today + timedelta(days=rnd.randint(-60, 60)),
                        "created_at": now,
                    }
                )
        for name, rows in (
            ("enrolment_enrolment", enrol),
            ("enrolment_progress", progress),
            ("enrolment_completion", completion),
            ("certificates_certificate", cert),
            ("enrolment_assignment", assign),
        ):
            for start in range(0, len(rows), 10_000):
                conn.execute(insert(meta[name]), rows[start : start + 10_000])
        # Loaded by SQL, past the session's bookkeeping: the reports' status table is filled
        # once, as `flask reports rebuild` does after such a load.
        from lms.plugins.reports import services as reports
        from lms.plugins.reports import store

        started = time.perf_counter()
        facts = store.rebuild(reports.tables())
        db.session.commit()
        print(f"reports_status rebuilt: {facts} rows in {time.perf_counter() - started:.1f} s")
        print(
            f"data: {len(enrol)} enrolments, {people} people, {len(centre_ids)} centres, "
            f"{COURSES} courses, {len(progress)} progress, {len(completion)} completions, "
            f"{len(cert)} certificates, {len(assign)} assignments"
        )
        admins["centre_id"] = centre_ids[0]
        db.engine.dispose()
    return admins


def bare_query(app, centre_id: int):
    from sqlalchemy import func, select

    from lms.extensions import db
    from lms.models import User

    e = db.metadata.tables["enrolment_enrolment"]
    u = User.__table__
    query = (
        select(e.c.course_id, e.c.status, func.count())
        .join(u, u.c.id == e.c.user_id)
        .where(u.c.centre_id == centre_id)
        .group_by(e.c.course_id, e.c.status)
    )

    def run():
        with app.app_context():
            rows = db.session.execute(query).all()
            db.session.remove()
        if not rows:
            raise SystemExit("bare query: no rows")

    return run


def page(client, url: str):
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        response.close()

    return run


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench(url: str, enrolments: int, rounds: int, label: str) -> None:
    app = make_app(url)
    admins = populate(app, enrolments)
    centre_client, site_client = app.test_client(), app.test_client()
    for client, email in (
        (centre_client, "centre-admin@example.com"),
        (site_client, "site-admin@example.com"),
    ):
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"login as {email}: HTTP {response.status_code}")
    runs = {
        "bare GROUP BY (one centre)": bare_query(app, admins["centre_id"]),
        "centre page /centre/": page(centre_client, "/centre/"),
        "network view /centre/": page(site_client, "/centre/"),
        "people list, page 1": page(centre_client, "/centre/people"),
        "CSV export (one centre)": page(centre_client, "/centre/report.csv"),
    }
    for run in runs.values():  # warm up: templates, caches, first connection
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            times[name].append(timed(run))
    medians = {name: statistics.median(values) for name, values in times.items()}
    bare = medians["bare GROUP BY (one centre)"]
    print(f"\n{label}: medians over {rounds} rounds")
    print(f"{'':32} {'median ms':>10} {'x bare':>8}")
    for name, value in medians.items():
        print(f"{name:32} {value:10.1f} {value / bare:8.1f}")
    ratio = medians["centre page /centre/"] / bare
    verdict = "met" if ratio <= 3 else "NOT met"
    print(f"target: centre page within 3x the bare query: {verdict} ({ratio:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("LMS_ENTRY_POINT_PLUGINS", "0")
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.enrolments, args.rounds, "SQLite")
    pg = os.environ.get("LMS_BENCH_DATABASE_URL")
    if pg:
        from config import normalise_database_url

        pg = normalise_database_url(pg)
        _reset_postgres(pg)
        bench(pg, args.enrolments, args.rounds, "PostgreSQL")


if __name__ == "__main__":
    main()
