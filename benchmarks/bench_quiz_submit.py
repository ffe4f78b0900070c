"""Benchmark: quiz submissions against a pure Flask "Hello, World!", both under gunicorn.

One "submission" is what a learner's browser does: POST the quiz's start button (which
starts the attempt), GET the form and POST the answers (graded, stored, ``quiz_passed``
sent), with durable commits (SQLite WAL, ``synchronous=FULL``: lms.extensions). Each round
runs, one after the other: pure hello (``pure_hello.py``, a second gunicorn with the same
settings) driven by wrk (C; the reference, as in bench_pages.py), pure hello driven by this
script's own Python client (what the client can drive at most), the bare route
``/__bench/bare`` of the app (benchmarks/bench_wsgi.py: the app's hooks, nothing else) and
submissions, each client thread as its own learner. It prints per-round rates, the median
ratio submissions / pure hello (wrk) per round (issue 18's target 0.15) and
submissions / bare route (the older 0.2 target), and the client's headroom: the requests/s
it drove against pure hello over the requests/s it sent while submitting (3 per
submission); above 1, the client was not what limited the submissions. It then checks the
database: every acknowledged submission (HTTP 303) is stored exactly once as a submitted
attempt with its answers. Exits non-zero on any failed request or any lost or duplicated
attempt. Also printed: the largest resident memory of an app worker.
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
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gunicorn_harness import ROOT, free_port, start_gunicorn, stop, wait_ready

sys.path.insert(0, str(ROOT))
from tests.faults.harness import PASSWORD, TOKEN_RE, Browser, Gone

TARGET = 0.15  # submissions/s over pure hello requests/s (issue 18)
TARGET_BARE = 0.2
COURSE = "car-t-nursing"
HIDDEN_RE = re.compile(r'name="(attempt_id|lock_version)" value="(\d+)"')
CHOICE_RE = re.compile(r'name="(q\d+)" value="(\d+)"')


def bench_courses(tmp: Path) -> Path:
    """A copy of one real course whose quizzes allow unlimited attempts, so every round
    can submit fresh attempts for the same learners."""
    root = tmp / "courses"
    shutil.copytree(ROOT / "courses" / COURSE, root / COURSE)
    for quiz in (root / COURSE).glob("*.quiz.md"):
        lines = quiz.read_text().splitlines(keepends=True)
        quiz.write_text("".join(line for line in lines if not line.startswith("max_attempts")))
    return root


def prepare(tmp: Path, learners: int) -> tuple[dict[str, str], str, list[str]]:
    """Migrate a fresh SQLite database, load the course, add learners; return the env, the
    quiz URL and the learners' e-mail addresses."""
    env = {
        "LMS_CONFIG": "development",
        "FLASK_DEBUG": "0",
        "LMS_DEMO": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
        "LMS_COURSES_DIR": str(bench_courses(tmp)),
        "LMS_ENTRY_POINT_PLUGINS": "0",
        "LMS_RATELIMIT_ENABLED": "0",  # many learners log in from one address
    }
    os.environ.update(env)  # config.py reads the environment when first imported
    from flask_migrate import upgrade

    from lms import create_app
    from lms.auth.services import register_user
    from lms.content.models import Course, Quiz
    from lms.content.sync import sync_courses
    from lms.extensions import db
    from lms.models import Centre, Profession

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        results = sync_courses(Path(env["LMS_COURSES_DIR"]))
        if any(r.outcome != "new" for r in results):
            raise SystemExit("course not loaded:\n" + "\n".join(map(str, results)))
        course = db.session.scalar(db.select(Course).where(Course.slug == COURSE))
        quiz = db.session.scalar(
            db.select(Quiz)
            .where(Quiz.version_id == course.published_version_id)
            .order_by(Quiz.number)
        )
        url = f"/courses/{COURSE}/quiz/{quiz.slug}/"
        centre = db.session.scalar(db.select(Centre).order_by(Centre.id))
        emails = [f"bench-learner-{n}@example.com" for n in range(learners)]
        for email in emails:
            register_user(
                email=email,
                name="Bench Learner",
                password=PASSWORD,
                centre_id=centre.id,
                profession=Profession.nurse,
            )
        db.engine.dispose()
    return env, url, emails


class Learner(Browser):
    """One learner per client thread (the fault tests' browser, no retries: every failure
    counts), in Swedish, taking the quiz again and again."""

    failure = ""
    token = ""

    def submit(self, url: str) -> int | None:
        """Start, GET the form and POST an answer to every question; the attempt id when
        the server acknowledged it (303), else None (``self.failure`` says why)."""
        if not self.token:  # the session's CSRF token, from any page
            self.token = TOKEN_RE.search(self.request("GET", url)[2]).group(1)
        status = self.request("POST", url + "start", {"csrf_token": self.token})[0]
        if status != 303:  # also after a pass
            self.failure = f"POST start {status}"
            return None
        status, _headers, page, _tries = self.request("GET", url)
        if status != 200 or "attempt_id" not in page:
            self.failure = f"GET {status}"
            return None
        fields = dict(HIDDEN_RE.findall(page))
        answers: dict[str, str] = {}
        for name, value in CHOICE_RE.findall(page):
            answers.setdefault(name, value)  # the first choice shown: right or wrong
        form = {"csrf_token": TOKEN_RE.search(page).group(1), **fields, **answers}
        status, headers, _text, _tries = self.request("POST", url, form)
        if status == 303 and "/attempts/" in headers.get("Location", ""):
            return int(fields["attempt_id"])
        self.failure = f"POST {status}"
        return None


@dataclass
class Round:
    kind: str
    done: int = 0
    errors: int = 0
    seconds: float = 0.0
    acknowledged: list[int] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def run_round(kind: str, browsers: list[Learner], url: str, seconds: float, cap: int) -> Round:
    result = Round(kind)
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds

    def worker(browser: Learner) -> None:
        browser.close()  # gunicorn closes keep-alive connections idle for 2 s: start afresh
        while time.monotonic() < deadline:
            with lock:
                if result.done + result.errors >= cap:
                    return
            ok = False
            attempt = None
            try:
                if kind == "bare":
                    ok = browser.request("GET", "/__bench/bare")[0] == 200
                elif kind == "hello":
                    ok = browser.request("GET", "/")[0] == 200
                else:
                    attempt = browser.submit(url)
                    ok = attempt is not None
            except Gone as exc:  # a connection error or a 5xx
                ok = False
                browser.failure = str(exc)
            with lock:
                if ok:
                    result.done += 1
                    if attempt is not None:
                        result.acknowledged.append(attempt)
                else:
                    result.errors += 1
                    result.failures[browser.failure or "bare"] += 1

    threads = [threading.Thread(target=worker, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - start
    return result


def wrk_hello(port: int, seconds: float, connections: int) -> float | None:
    """Pure hello requests/s under wrk (None when wrk is not installed)."""
    if shutil.which("wrk") is None:
        return None
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(found.group(1)) if found else None


def worker_rss_mb(server) -> float:
    """The largest resident memory of the gunicorn master's children, in MB."""
    largest = 0
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    try:
        pids = children.read_text().split()
    except OSError:
        return 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))
        except OSError:
            continue
    return largest / 1024


def verify(acknowledged: list[int]) -> list[str]:
    """Every acknowledged attempt stored once, submitted, with one answer row per drawn
    question; nothing submitted that was not acknowledged."""
    from lms import create_app
    from lms.extensions import db
    from lms.plugins.quizzes.models import Answer, Attempt

    problems = []
    if len(set(acknowledged)) != len(acknowledged):
        problems.append("an attempt id was acknowledged twice")
    app = create_app()
    with app.app_context():
        submitted = db.session.scalars(
            db.select(Attempt).where(Attempt.status == "submitted")
        ).all()
        answers = dict(
            db.session.execute(
                db.select(Answer.attempt_id, db.func.count(Answer.id)).group_by(Answer.attempt_id)
            ).all()
        )
        stored = {a.id: a for a in submitted}
        missing = set(acknowledged) - set(stored)
        extra = set(stored) - set(acknowledged)
        if missing:
            problems.append(f"{len(missing)} acknowledged attempts are not stored as submitted")
        if extra:
            problems.append(f"{len(extra)} submitted attempts were never acknowledged")
        for attempt in submitted:
            if answers.get(attempt.id, 0) != len(attempt.question_ids):
                problems.append(f"attempt {attempt.id} has {answers.get(attempt.id, 0)} answers")
            if attempt.score_percent is None or attempt.submitted_at is None:
                problems.append(f"attempt {attempt.id} has no score")
        db.engine.dispose()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="per kind and round")
    parser.add_argument("--threads", type=int, default=8, help="client threads = learners")
    parser.add_argument("--cap", type=int, default=20_000, help="most operations per round")
    args = parser.parse_args()

    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-quiz-"))
    server = hello = None
    try:
        env, url, emails = prepare(tmp, args.threads)
        port, hello_port = free_port(), free_port()
        server = start_gunicorn(env, port, tmp / "gunicorn.log")
        hello = start_gunicorn(env, hello_port, tmp / "hello.log", app="pure_hello:app")
        wait_ready(port, server)
        wait_ready(hello_port, hello, path="/")
        browsers = [Learner(port, email, language="sv") for email in emails]
        for browser in browsers:
            browser.log_in()
        hello_browsers = [Learner(hello_port) for _ in emails]
        print(f"quiz: {url}; learners: {len(browsers)} (one per client thread)")
        print("gunicorn: 2 gthread workers x 4 threads each for the app and pure hello;")
        print("SQLite (WAL, synchronous=FULL)")
        warm = [run_round(kind, browsers, url, 1.0, args.cap) for kind in ("bare", "quiz")]
        run_round("hello", hello_browsers, url, 1.0, args.cap)
        rounds = []
        largest_rss = 0.0
        for _ in range(args.rounds):
            by_wrk = wrk_hello(hello_port, args.seconds, args.threads)
            by_client = run_round("hello", hello_browsers, url, args.seconds, args.cap)
            bare = run_round("bare", browsers, url, args.seconds, args.cap)
            quiz = run_round("quiz", browsers, url, args.seconds, args.cap)
            rounds.append((by_wrk, by_client, bare, quiz))
            largest_rss = max(largest_rss, worker_rss_mb(server))
        print(
            f"\n{'round':>5} {'hello wrk/s':>11} {'hello client/s':>14} {'bare req/s':>10} "
            f"{'submits/s':>9} {'x hello':>7} {'x bare':>6} {'headroom':>8} {'errors':>6}"
        )
        for n, (w, h, b, q) in enumerate(rounds, 1):
            reference = w if w else h.rate
            headroom = h.rate / (3 * q.rate) if q.rate else 0.0
            print(
                f"{n:>5} {w or 0:>11.0f} {h.rate:>14.0f} {b.rate:>10.0f} {q.rate:>9.1f} "
                f"{q.rate / reference if reference else 0:>7.3f} "
                f"{q.rate / b.rate if b.rate else 0:>6.3f} {headroom:>8.1f} "
                f"{h.errors + b.errors + q.errors:>6}"
            )
        hello_ratios = [q.rate / (w or h.rate) for w, h, _b, q in rounds if (w or h.rate)]
        bare_ratios = [q.rate / b.rate for _w, _h, b, q in rounds if b.rate]
        median = statistics.median(hello_ratios) if hello_ratios else 0.0
        median_bare = statistics.median(bare_ratios) if bare_ratios else 0.0
        met = "met" if median >= TARGET else "NOT met"
        reference = "wrk" if rounds and rounds[0][0] else "this client (wrk missing)"
        print(
            f"\nmedian ratio submissions / pure hello ({reference}): {median:.3f}; "
            f"target {TARGET}: {met}"
        )
        print(f"median ratio submissions / bare route: {median_bare:.3f} (target {TARGET_BARE})")
        print(f"largest app worker resident memory: {largest_rss:.0f} MB")
        everything = warm + [r for _w, *kinds in rounds for r in kinds]
        errors = sum(r.errors for r in everything)
        acknowledged = [a for r in everything for a in r.acknowledged]
        problems = verify(acknowledged)
        print(f"submissions acknowledged: {len(acknowledged)}; failed requests: {errors}")
        failures = sum((r.failures for r in everything), Counter())
        if failures:
            print("failures: " + ", ".join(f"{k}: {v}" for k, v in failures.most_common()))
        for problem in problems:
            print(f"PROBLEM: {problem}")
        if not problems:
            print("database: every acknowledged submission stored exactly once")
        return 1 if errors or problems else 0
    finally:
        stop(server)
        stop(hello)
        signal.signal(signal.SIGTERM, previous)
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
