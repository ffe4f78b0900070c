"""Benchmark: the pages a learner opens, each against a pure Flask "Hello, World!" app.

Method (benchmarks/README.md has the figures): a throw-away site (SQLite file, or with
``--database-url`` a fresh PostgreSQL database created and dropped here) with the real
``courses/`` and one learner enrolled in car-t-nursing. Two gunicorn servers with the same
settings (``--workers``, sync workers, 127.0.0.1): the app (``wsgi:app``) and
``pure_hello:app`` (five lines, no hooks, no session). wrk (Debian package ``wrk``; the
load generator runs in C, so it is not the bottleneck: it is shown driving pure hello) sends
``-t1 -c16`` for ``--seconds`` per page, in ``--rounds`` interleaved rounds: pure hello, then
a page, then pure hello again, then the next page... Each page's requests/s is divided by
the mean of the pure hello runs on either side of it; the table gives the median of those
per-round ratios. Every response is checked by a wrk Lua script for status 200 and the
page's real content (a marker string); any other answer makes the run exit non-zero.

Also printed per page, in-process (Flask's test client in this process, no network): mean
milliseconds per request and SQL statements per request; and the largest resident memory
of an app worker seen during the run.

Not a test: it prints and fails only when a request fails. Targets come from issue 18.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.faults.harness import PASSWORD, Browser, Gunicorn  # noqa: E402

EMAIL = "bench-learner@example.com"
COURSE = "car-t-nursing"
# (label, URL, marker that only the real page carries, target ratio to pure hello)
PAGES = [
    ("/healthz", "/healthz", '"ok"', 0.6),
    ("/courses/ (catalogue)", "/courses/", f'href="/courses/{COURSE}/"', 0.5),
    (f"/courses/{COURSE}/", f"/courses/{COURSE}/", f'href="/courses/{COURSE}/crs/"', 0.4),
    (f"/courses/{COURSE}/crs/ (module)", f"/courses/{COURSE}/crs/", 'class="prose"', 0.4),
    ("/me/", "/me/", f"/courses/{COURSE}/", 0.3),
]
# The floor under every page (benchmarks/app_floor.py): no target, they bound the pages.
FLOORS = [
    ("floor: app hooks only", "/_floor/hooks", "floor", None),
    ("floor: + signed-in user", "/_floor/user", "floor", None),
    ("floor: + site layout", "/_floor/layout", 'class="floor"', None),
]
RESULT = re.compile(r"RESULT (.*)")


@dataclass
class Run:
    requests: int
    seconds: float
    bad: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(port: int, url: str, marker: str, *, seconds: float, connections: int, cookie: str):
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout=10s",
        "-s",
        str(HERE / "wrk_check.lua"),
        "-H",
        f"Cookie: {cookie}",
        "-H",
        "Accept-Language: sv",
        f"http://127.0.0.1:{port}{url}",
        "--",
        marker,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = RESULT.search(out)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    values = dict(pair.split("=") for pair in found.group(1).split())
    return Run(
        requests=int(values["requests"]),
        seconds=int(values["duration_us"]) / 1e6,
        bad=int(values["bad"]) + int(values["errors"]),
        p50_ms=int(values["p50_us"]) / 1000,
        p99_ms=int(values["p99_us"]) / 1000,
    )


def site(tmp: Path, database_url: str | None) -> tuple[dict[str, str], str | None]:
    """The site's environment, and the PostgreSQL database to drop at the end (if any)."""
    dropped = None
    if database_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"lms_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
        dropped = name
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite'}"
    env = {
        "LMS_CONFIG": "development",
        "FLASK_DEBUG": "0",
        "LMS_DEMO": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "LMS_COURSES_DIR": str(ROOT / "courses"),
        "LMS_ENTRY_POINT_PLUGINS": "0",
        "LMS_RATELIMIT_ENABLED": "0",
    }
    return env, dropped


def prepare(env: dict[str, str]):
    """Migrate, load courses/, add the learner; returns the app (built in this process)."""
    os.environ.update(env)  # config.py reads the environment
    from flask_migrate import upgrade

    from lms import create_app
    from lms.auth.passwords import hash_password
    from lms.content.sync import sync_courses
    from lms.extensions import db
    from lms.models import Centre, Profession, User

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        refused = [str(r) for r in sync_courses(ROOT / "courses") if r.outcome == "refused"]
        if refused:
            raise SystemExit("courses refused:\n" + "\n".join(refused))
        centre = db.session.scalar(db.select(Centre).order_by(Centre.id))
        db.session.add(
            User(
                email=EMAIL,
                name="Bench Learner",
                password_hash=hash_password(PASSWORD),
                centre_id=centre.id,
                profession=Profession.nurse,
            )
        )
        db.session.commit()
        db.engine.dispose()
    return app


def in_process(app, cookie_jar: dict[str, str], url: str, count: int) -> tuple[float, float]:
    """(ms per request, SQL statements per request) through Flask's test client."""
    from sqlalchemy import event

    from lms.extensions import db

    client = app.test_client()
    for name, value in cookie_jar.items():
        client.set_cookie(name, value)
    statements = [0]

    def count_statement(*_args):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        for _ in range(10):  # warm up
            client.get(url, headers={"Accept-Language": "sv"})
        statements[0] = 0
        start = time.perf_counter()
        for _ in range(count):
            response = client.get(url, headers={"Accept-Language": "sv"})
            if response.status_code != 200:
                raise RuntimeError(f"in-process {url}: HTTP {response.status_code}")
        elapsed = time.perf_counter() - start
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    return elapsed / count * 1000, statements[0] / count


def rss_mb(server: Gunicorn) -> float:
    largest = 0
    for pid in server.workers():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))
        except OSError:
            continue
    return largest / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4, help="per page and round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--in-process", type=int, default=200, help="requests per page")
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also measure the floor under every page (benchmarks/app_floor.py)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-pages-"))
    servers: list[Gunicorn] = []
    env, dropped = site(tmp, args.database_url)
    try:
        app = prepare(env)
        if args.floor:
            from app_floor import add_floor

            add_floor(app)
        sync = {"workers": args.workers, "threads": 1, "worker_class": "sync"}
        pages = PAGES + (FLOORS if args.floor else [])
        server = Gunicorn(
            {**env, "PYTHONPATH": str(HERE)},
            tmp / "app.log",
            app="app_floor:app" if args.floor else "wsgi:app",
            **sync,
        )
        servers.append(server)
        hello = Gunicorn(
            {**env, "PYTHONPATH": str(HERE)},
            tmp / "hello.log",
            app="pure_hello:app",
            **sync,
        )
        servers.append(hello)
        server.wait_ready(seconds=120)  # a loaded machine starts slowly
        browser = Browser(server.port, EMAIL)
        browser.log_in()
        browser.enrol(COURSE)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
        for _label, url, marker, _target in pages:  # the page is what we think it is
            status, _h, text, _t = browser.request("GET", url)
            if status != 200 or marker not in text:
                raise SystemExit(f"{url}: HTTP {status} or marker {marker!r} missing")

        def hello_run() -> Run:
            return wrk(
                hello.port,
                "/",
                "Hello",
                seconds=args.seconds,
                connections=args.connections,
                cookie="x=1",
            )

        ratios: dict[str, list[float]] = {label: [] for label, *_ in pages}
        p99: dict[str, list[float]] = {label: [] for label, *_ in pages}
        hello_rps: list[float] = []
        bad = 0
        largest_rss = 0.0
        for _label, url, marker, _target in pages:  # warm both servers up
            wrk(server.port, url, marker, seconds=1, connections=4, cookie=cookie)
        hello_run()
        for _round in range(args.rounds):
            before = hello_run()
            for label, url, marker, _target in pages:
                page = wrk(
                    server.port,
                    url,
                    marker,
                    seconds=args.seconds,
                    connections=args.connections,
                    cookie=cookie,
                )
                after = hello_run()
                reference = (before.rps + after.rps) / 2
                ratios[label].append(page.rps / reference)
                p99[label].append(page.p99_ms)
                hello_rps += [before.rps, after.rps]
                bad += page.bad + before.bad + after.bad
                largest_rss = max(largest_rss, rss_mb(server))
                before = after

        timings = {
            label: in_process(app, browser.jar, url, args.in_process) for label, url, *_ in pages
        }
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"\n{database}; gunicorn {args.workers} sync workers on 127.0.0.1; wrk -t1 "
            f"-c{args.connections}, {args.seconds} s per page, {args.rounds} interleaved rounds"
        )
        print(f"pure hello: median {statistics.median(hello_rps):.0f} requests/s\n")
        print("| page | x pure hello | target | p99 ms | in-process ms/request | SQL statements |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, _url, _marker, target in pages:
            ratio = statistics.median(ratios[label])
            ms, sql = timings[label]
            mark = "" if target is None or ratio >= target else " (below)"
            shown = "-" if target is None else f"{target:.2f}"
            print(
                f"| `{label}` | {ratio:.2f}{mark} | {shown} | "
                f"{statistics.median(p99[label]):.1f} | {ms:.1f} | {sql:.0f} |"
            )
        print(f"\nlargest app worker resident memory: {largest_rss:.0f} MB")
        print(f"responses not 200 or without the page's content: {bad}")
        return 1 if bad else 0
    finally:
        for server in servers:
            server.stop()
        if dropped:
            from sqlalchemy import create_engine, text

            admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)'))
            admin.dispose()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
