"""Benchmark: the centre admin's pages and exports at up to 1,000,000 enrolments.

Not a test: it builds a database with ``--enrolments`` enrolments (5 per person) over 7
centres, 5 professions and 20 courses (with progress, completions, certificates that are
valid, expiring, expired, never expiring or revoked, and assignments with due dates, some
overdue), and 3 training requirements at the first centre. The rows go in by bulk inserts
in blocks of 10,000 people (memory stays bounded), then the reports' tables are rebuilt
once (``flask reports rebuild``) and the database ANALYZEd. Then a fresh process (so its
memory is what serving costs, not the seeding) measures, median over ``--rounds`` rounds:

* the bare query: enrolments of one centre grouped by course and status (one GROUP BY);
* the centre page, the network view, the people list (first page and page 50), the
  compliance matrix page: GET through Flask's test client, a full request each;
* the exports (centre CSV, centre XLSX, network CSV): time to the first byte and to the
  last, read piece by piece as a server would send them;
* the process's resident memory: before the exports and its peak at the end.

SQLite by default (a temporary file); ``--database-url postgresql://...@host/db`` creates a
fresh database ``bench_reports_<random>`` on that server, runs there and drops it. Exits
non-zero only when a request does not answer 200.
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


BLOCK = 10_000  # people per bulk insert


def _users(first: int, stop: int, centre_ids: list[int], now: datetime) -> list[dict]:
    return [
        {
            "id": i,
            "email": f"p{i}@example.com",
            "name": f"Person {i:07d} Åström",
            "password_hash": None,
            "profession": PROFESSIONS[i % 5],
            "role": "learner",
            "centre_id": centre_ids[i % len(centre_ids)],
            "active": i % 50 != 0,
            "session_version": 1,
            "created_at": now,
        }
        for i in range(first, stop)
    ]


def _records(rnd, eid, user, course, centre_id, now, today, enrol, progress, completion, cert,
             assign) -> None:  # fmt: skip
    """One enrolment and what follows it, appended to the lists."""
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
                "centre_id": centre_id,
                "due_on": today + timedelta(days=rnd.randint(-120, 180)),
                "created_at": enrolled_at,
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
    seeding = time.perf_counter()
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
                    "centre_id": None,
                    "active": True,
                    "session_version": 1,
                    "created_at": now,
                },
            ],
        )
        # Roles live in user_role since migration 0019 (user_account has no role column).
        conn.execute(
            insert(meta["user_role"]),
            [
                {"user_id": admins["centre"], "role": "centre_admin", "granted_at": now},
                {"user_id": admins["site"], "role": "site_admin", "granted_at": now},
            ],
        )
        req = meta.get("compliance_requirement")
        if req is not None:  # the matrix's columns: three courses everyone at centre 1 needs
            conn.execute(
                insert(req),
                [
                    {
                        "name": f"Requirement {n}",
                        "reason": "r",
                        "centre_id": centre_ids[0],
                        "course_id": n,
                        "days_to_complete": 30,
                        "created_at": now,
                    }
                    for n in (1, 2, 3)
                ],
            )
        totals = dict.fromkeys(("enrol", "progress", "completion", "cert", "assign"), 0)
        eid = 0
        for block in range(1, people + 1, BLOCK):
            users = _users(block, min(block + BLOCK, people + 1), centre_ids, now)
            conn.execute(insert(User.__table__), users)
            enrol, progress, completion, cert, assign = [], [], [], [], []
            for user in users:
                uid = user["id"]
                for course in rnd.sample(range(1, COURSES + 1), 5):
                    eid += 1
                    _records(rnd, eid, uid, course, user["centre_id"], now, today,
                             enrol, progress, completion, cert, assign)  # fmt: skip
                if uid % 10 == 0:  # assigned, never enrolled
                    assign.append(
                        {
                            "course_id": (uid % COURSES) + 1,
                            "user_id": uid,
                            "centre_id": user["centre_id"],
                            "due_on": today + timedelta(days=rnd.randint(-60, 60)),
                            "created_at": now,
                        }
                    )
            for name, key, rows in (
                ("enrolment_enrolment", "enrol", enrol),
                ("enrolment_progress", "progress", progress),
                ("enrolment_completion", "completion", completion),
                ("certificates_certificate", "cert", cert),
                ("enrolment_assignment", "assign", assign),
            ):
                if rows:
                    conn.execute(insert(meta[name]), rows)
                totals[key] += len(rows)
        db.session.commit()
        print(f"seeded in {time.perf_counter() - seeding:.1f} s", flush=True)
        # Loaded by SQL, past the session's bookkeeping: the reports' status table is filled
        # once, as `flask reports rebuild` does after such a load.
        from lms.plugins.reports import services as reports
        from lms.plugins.reports import store

        started = time.perf_counter()
        facts = store.rebuild(reports.tables())
        db.session.commit()
        print(f"reports_status rebuilt: {facts} rows in {time.perf_counter() - started:.1f} s")
        conn = db.session.connection()
        conn.exec_driver_sql("ANALYZE")
        db.session.commit()
        print(
            f"data: {totals['enrol']} enrolments, {people} people, {len(centre_ids)} centres, "
            f"{COURSES} courses, {totals['progress']} progress, {totals['completion']} "
            f"completions, {totals['cert']} certificates, {totals['assign']} assignments",
            flush=True,
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


def page(client, url: str, marker: bytes):
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if marker not in response.data:
            raise SystemExit(f"{url}: {marker!r} not in the page")
        response.close()

    return run


def export(client, url: str) -> tuple[float, float, int]:
    """(ms to the first piece of the body, ms to the last, bytes), read as a server would."""
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    pieces = iter(response.response)
    size = len(next(pieces))
    first = time.perf_counter()
    for piece in pieces:
        size += len(piece)
    response.close()
    done = time.perf_counter()
    return (first - start) * 1000, (done - start) * 1000, size


def rss_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process, MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/status") as status:
        now = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    return now / 1024, peak


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(url: str, rounds: int, centre_id: int, exports: str) -> None:
    """Run in a process of its own, after the seeding: the pages, exports and memory."""
    app = make_app(url)
    centre_client, site_client = app.test_client(), app.test_client()
    for client, email in (
        (centre_client, "centre-admin@example.com"),
        (site_client, "site-admin@example.com"),
    ):
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"login as {email}: HTTP {response.status_code}")
    runs = {
        "bare GROUP BY (one centre)": bare_query(app, centre_id),
        "centre page /centre/": page(centre_client, "/centre/", b"chart-courses"),
        "network view /centre/": page(site_client, "/centre/", b"chart-courses"),
        "people list, page 1": page(centre_client, "/centre/people", b"Person "),
        "people list, page 50": page(centre_client, "/centre/people?page=50", b"Person "),
        "matrix /centre/matrix": page(centre_client, "/centre/matrix", b"Course 01"),
    }
    for run in runs.values():  # warm up: templates, caches, first connection
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            times[name].append(timed(run))
    medians = {name: statistics.median(values) for name, values in times.items()}
    bare = medians["bare GROUP BY (one centre)"]
    print(f"medians over {rounds} rounds")
    print(f"{'':32} {'median ms':>10} {'x bare':>8}")
    for name, value in medians.items():
        print(f"{name:32} {value:10.1f} {value / bare:8.1f}")
    before, _peak = rss_mb()
    print(f"resident memory before the exports: {before:.0f} MB")
    chosen = [
        (label, client, url)
        for label, client, url in (
            ("centre CSV", centre_client, "/centre/report.csv"),
            ("network CSV", site_client, "/centre/report.csv"),
            ("centre XLSX", centre_client, "/centre/report.xlsx"),
        )
        if label.replace(" ", "-").lower() in exports
    ]
    for label, client, url in chosen:
        first, last, size = export(client, url)
        now, peak = rss_mb()
        print(
            f"{label:12} first byte {first:8.1f} ms, last {last / 1000:6.1f} s, "
            f"{size / 1e6:6.1f} MB; resident {now:.0f} MB, peak so far {peak:.0f} MB",
            flush=True,
        )
    slow = [n for n, v in medians.items() if v >= 200 and "bare" not in n]
    print("target: every page under 200 ms:", "met" if not slow else f"NOT met ({slow})")


def bench(url: str, enrolments: int, rounds: int, label: str, exports: str) -> None:
    import subprocess

    print(f"\n{label}, {enrolments} enrolments", flush=True)
    app = make_app(url)
    admins = populate(app, enrolments)
    subprocess.run(
        [
            *(sys.executable, __file__, "--measure", url, "--rounds", str(rounds)),
            *("--centre-id", str(admins["centre_id"]), "--exports", exports),
        ],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database-url", help="a PostgreSQL server: a fresh database on it")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--exports",
        default="centre-csv,network-csv,centre-xlsx",
        help="which exports to time (comma-separated; the network's takes minutes at 1M)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--centre-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("LMS_ENTRY_POINT_PLUGINS", "0")
    if args.measure:
        measure(args.measure, args.rounds, args.centre_id, args.exports)
        return
    print(f"load: {os.getloadavg()}", flush=True)
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.sqlite"
            bench(f"sqlite:///{path}", args.enrolments, args.rounds, "SQLite", args.exports)
    if args.database_url:
        from config import normalise_database_url

        server = normalise_database_url(args.database_url)
        name = f"bench_reports_{random.randrange(16**6):06x}"
        _database(server, f"CREATE DATABASE {name}")
        try:
            url = server.rsplit("/", 1)[0] + "/" + name
            bench(url, args.enrolments, args.rounds, "PostgreSQL", args.exports)
        finally:
            _database(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"load: {os.getloadavg()}", flush=True)


def _database(server: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


if __name__ == "__main__":
    main()
