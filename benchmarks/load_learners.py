"""Load: many learners read modules and submit quizzes at once, then the database is checked.

Builds a throw-away site (SQLite file by default; with ``--database-url`` a fresh
PostgreSQL database it creates and drops), loads a copy of car-t-nursing whose quizzes
have no attempt limit and whose third module is read instead of quizzed, adds the learners
straight into the database, and starts gunicorn on a free loopback port. Every learner
logs in and enrols (setup, timed apart), then for ``--seconds`` loops: read a module page,
mark the reading module done once, open a quiz and submit answers (right or wrong at
random). No retries: every failed request counts.

Prints requests per second, p50/p95/p99 latency (all requests and per kind) and errors by
type, then checks the database: every acknowledged submission stored exactly once with
the answers sent, no attempt number twice, at most one completion per enrolment and
version and one certificate per completion, reading marks stored, and on SQLite
``PRAGMA integrity_check``. Exits non-zero on any error, loss or duplicate.

``--realistic``: 2,000 learners thinking 5-20 s between pages, from one asyncio client
process, against gunicorn as deploy/gunicorn.conf.py sets it up (see realistic.py).
Client and server share the machine: its CPUs and load are printed with the figures.
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.harness import (  # noqa: E402  (after the path is set)
    Browser,
    Gone,
    Gunicorn,
    new_ledger,
    prepare,
    site_env,
    verify,
)

COURSE = "car-t-nursing"
READING = "03-icans-ice-discharge"


def load_courses(tmp: Path) -> Path:
    """car-t-nursing with unlimited attempts, and module 3 read rather than quizzed, so a
    learner completes the course (and gets a certificate) by two quizzes and one click."""
    root = tmp / "courses"
    shutil.copytree(ROOT / "courses" / COURSE, root / COURSE)
    for quiz in (root / COURSE).glob("*.quiz*.md"):
        if quiz.name.startswith(READING):
            quiz.unlink()
            continue
        lines = quiz.read_text().splitlines(keepends=True)
        quiz.write_text("".join(line for line in lines if not line.startswith("max_attempts")))
    return root


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(browsers: list[Browser], course: dict, seconds: float, cap: int) -> tuple[dict, list]:
    ledger = new_ledger()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    sent = [0]
    crashed: list[str] = []
    modules = course["modules"]
    quizzes = sorted(course["quizzes"])

    def learner(browser: Browser) -> None:
        local = new_ledger()
        read = False
        try:
            while time.monotonic() < deadline:
                with lock:
                    if sent[0] >= cap:
                        break
                    sent[0] += 4
                if not read:
                    for module in course["reading"]:
                        browser.read_and_complete(COURSE, module, local)
                    read = True
                else:
                    url = f"/courses/{COURSE}/{random.choice(modules)}/"
                    status = browser.request("GET", url, kind="module")[0]
                    if status != 200:
                        local["problems"].append(f"module page: HTTP {status}")
                url = random.choice(quizzes)
                browser.take_quiz(url, course["quizzes"][url], random.random() < 0.6, local)
        except Gone as exc:
            crashed.append(repr(exc))
        finally:
            with lock:
                for name, rows in local.items():
                    ledger[name].extend(rows)

    threads = [threading.Thread(target=learner, args=(b,), daemon=True) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return ledger, crashed


def in_parallel(browsers: list[Browser], step) -> None:
    threads = [threading.Thread(target=step, args=(b,), daemon=True) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def report(browsers: list[Browser], elapsed: float) -> Counter:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for browser in browsers:
        for kind, seconds in browser.latencies:
            by_kind[kind].append(seconds)
    everything = [s for values in by_kind.values() for s in values]
    errors = sum((b.errors for b in browsers), Counter())
    total = len(everything) + sum(errors.values())
    print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"{'kind':<14} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, values in [("all", everything), *sorted(by_kind.items())]:
        p = [percentile(values, q) * 1000 for q in (50, 95, 99)]
        print(f"{kind:<14} {len(values):>7} {p[0]:>8.0f} {p[1]:>8.0f} {p[2]:>8.0f}")
    print("errors: " + (", ".join(f"{k}: {v}" for k, v in errors.most_common()) or "none"))
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="2,000 learners (--learners) in one asyncio client, thinking between pages; "
        "gunicorn as deploy/gunicorn.conf.py sets it up (see realistic.py)",
    )
    parser.add_argument("--learners", type=int, help="default 200, realistic 2000")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured (after ramp)")
    parser.add_argument(
        "--ramp", type=float, default=240.0, help="realistic: learners start evenly over"
    )
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 20.0), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--logins",
        type=int,
        help="realistic: how many learners log in with their password (argon2, ~0.2 s of "
        "CPU each); the others come back with a session cookie. Default: all",
    )
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="stop after")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server (e.g. postgresql://postgres@127.0.0.1:5432/postgres): "
        "a database lms_load_<random> is created there and dropped afterwards",
    )
    args = parser.parse_args()
    if args.learners is None:
        args.learners = 2000 if args.realistic else 200

    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally
    tmp = Path(tempfile.mkdtemp(prefix="lms-load-"))
    server = None
    admin = created = None
    try:
        if args.database_url:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            from config import normalise_database_url

            server_url = normalise_database_url(args.database_url)
            created = f"lms_load_{secrets.token_hex(4)}"
            admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{created}"'))
            url = make_url(server_url).set(database=created).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp / 'load.sqlite'}"
        env = site_env(url, load_courses(tmp))
        if args.realistic:
            from realistic import run_realistic

            return run_realistic(args, env, tmp, "PostgreSQL" if created else "SQLite")
        described = prepare(env, args.learners)
        course = described["courses"][COURSE]
        server = Gunicorn(env, tmp / "gunicorn.log", workers=args.workers, threads=args.threads)
        server.wait_ready()
        kind = "PostgreSQL" if created else "SQLite (WAL, synchronous=FULL)"
        print(
            f"{args.learners} learners, {args.seconds:.0f} s, gunicorn {args.workers} "
            f"gthread workers x {args.threads} threads, {kind}"
        )
        # Setup may retry (200 argon2 checks at once queue for a while); the run may not.
        browsers = [Browser(server.port, email, retries=3) for email in described["learners"]]
        start = time.monotonic()
        in_parallel(browsers, lambda b: (b.log_in(), b.enrol(COURSE)))
        setup_errors = sum((b.errors for b in browsers), Counter())
        print(
            f"setup: {len(browsers)} logins and enrolments in {time.monotonic() - start:.1f} s"
            f" (retried: {dict(setup_errors) or 'none'})"
        )
        for browser in browsers:
            browser.retries = 0
            browser.latencies.clear()
            browser.errors.clear()
            browser.close()  # fresh connections: setup left some idle past keep-alive
        start = time.monotonic()
        ledger, crashed = run(browsers, course, args.seconds, args.max_requests)
        elapsed = time.monotonic() - start
        for browser in browsers:
            browser.close()
        errors = report(browsers, elapsed)
        server.stop()
        checked = verify(env, ledger)
        print(
            f"acknowledged: {len(ledger['acknowledged'])} submissions, "
            f"{len(ledger['completed'])} modules marked done; stored: {checked['facts']}"
        )
        # No process dies here, so a follow-up left undone is a bug as well.
        problems = ledger["problems"] + checked["problems"] + checked["gaps"] + crashed
        for problem in Counter(problems).most_common(20):
            print(f"PROBLEM: {problem[0]} (x{problem[1]})")
        if not problems:
            print("database: every acknowledged submission stored exactly once")
        locked = sum(v for k, v in errors.items() if "locked" in k)
        print(f'"database is locked" errors: {locked}')
        return 1 if errors or problems else 0
    finally:
        if server is not None:
            server.stop()
        if admin is not None:
            from sqlalchemy import text

            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
            admin.dispose()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
