"""Benchmark: a module page against a bare Flask route, both under gunicorn, in one run.

Not a test (the machine is noisy): it prints requests per second for each round and the
median ratio module/bare, says whether the 0.5 target is met, and exits non-zero only when a
request failed. Run it with ``make benchmark`` or ``.venv/bin/python
benchmarks/bench_module_page.py``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from gunicorn_harness import HOST, ROOT, free_port, start_gunicorn, stop, wait_ready

sys.path.insert(0, str(ROOT))
from tests.faults.harness import PASSWORD, TOKEN_RE, Browser

TARGET = 0.5
EMAIL = "bench-learner@example.com"


def prepare(tmp: Path) -> dict[str, str]:
    """Migrate a fresh SQLite database, load courses/ and add a learner; return the env."""
    env = {
        "LMS_CONFIG": "development",
        "FLASK_DEBUG": "0",
        "LMS_DEMO": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
        "LMS_COURSES_DIR": str(ROOT / "courses"),
        "LMS_ENTRY_POINT_PLUGINS": "0",
    }
    os.environ.update(env)  # config.py reads the environment when first imported
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from lms import create_app
    from lms.auth.services import register_user
    from lms.content.sync import sync_courses
    from lms.extensions import db
    from lms.models import Centre, Profession

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        results = sync_courses(ROOT / "courses")
        refused = [str(r) for r in results if r.outcome == "refused"]
        if refused:
            raise SystemExit("courses refused:\n" + "\n".join(refused))
        centre = db.session.scalar(db.select(Centre).order_by(Centre.id))
        register_user(
            email=EMAIL,
            name="Bench Learner",
            password=PASSWORD,
            centre_id=centre.id,
            profession=Profession.nurse,
        )
        db.engine.dispose()
    return env


def module_url() -> tuple[str, list[str]]:
    """The second module of the first open, published course, by slug; the plugins on."""
    from lms import create_app
    from lms.content.models import Course, CourseVersion
    from lms.extensions import db

    app = create_app()
    with app.app_context():
        version = db.session.scalar(
            db.select(CourseVersion)
            .join(Course, Course.published_version_id == CourseVersion.id)
            .where(CourseVersion.enrolment == "open")
            .order_by(Course.slug)
        )
        modules = version.modules
        url = f"/courses/{version.course.slug}/{modules[min(1, len(modules) - 1)].slug}/"
        db.engine.dispose()
    return url, list(app.extensions["lms.plugins"])


def try_enrol(browser: Browser, url: str) -> bool:
    """Enrol on the course if its page offers a form for it (the enrolment plugin is on), so
    the module page shows what an enrolled learner sees. False when there is none."""
    course = url.rstrip("/").rsplit("/", 1)[0] + "/"
    page = browser.request("GET", course)[2]
    form = re.search(r'<form[^>]*action="([^"]*/enrol)"(.*?)</form>', page, re.S)
    if not form:
        return False
    token = TOKEN_RE.search(form.group(2))
    status = browser.request("POST", form.group(1), {"csrf_token": token.group(1)})[0]
    return status in (200, 302, 303)


@dataclass
class Round:
    url: str
    requests: int
    errors: int
    seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(port: int, url: str, cookie: str, *, seconds: float, threads: int, cap: int) -> Round:
    """Send GET ``url`` from ``threads`` keep-alive connections for ``seconds`` (at most
    ``cap`` requests in all); count the answers and the failures."""
    headers = {"Cookie": cookie, "Accept-Language": "sv", "Connection": "keep-alive"}
    lock = threading.Lock()
    totals = {"requests": 0, "errors": 0}
    start = time.monotonic()
    deadline = start + seconds

    def worker() -> None:
        done = errors = 0
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if totals["requests"] + done >= cap:
                    break
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            done += 1
            if done % 50 == 0:
                with lock:
                    totals["requests"] += done
                    totals["errors"] += errors
                done = errors = 0
        conn.close()
        with lock:
            totals["requests"] += done
            totals["errors"] += errors

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return Round(url, totals["requests"], totals["errors"], time.monotonic() - start)


def check_page(port: int, url: str, cookie: str) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", url, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    if response.status != 200 or 'class="prose"' not in body:
        raise RuntimeError(f"{url} is not a module page (HTTP {response.status})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="per URL and round")
    parser.add_argument("--threads", type=int, default=8, help="client connections")
    parser.add_argument("--cap", type=int, default=100_000, help="most requests per round")
    args = parser.parse_args()

    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    server = None
    try:
        env = prepare(tmp)
        url, plugins = module_url()
        port = free_port()
        server = start_gunicorn(env, port, tmp / "gunicorn.log")
        wait_ready(port, server)
        browser = Browser(port, EMAIL)
        browser.log_in()
        enrolled = try_enrol(browser, url)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.jar.items())
        check_page(port, url, cookie)
        bare = "/__bench/bare"
        print(f"module page: {url} (learner {'enrolled' if enrolled else 'not enrolled'})")
        print(f"plugins: {', '.join(plugins)} (set LMS_PLUGINS to measure fewer)")
        print(f"gunicorn: 2 gthread workers x 4 threads; client: {args.threads} connections")
        for warm in (bare, url):
            load(port, warm, cookie, seconds=1.0, threads=args.threads, cap=args.cap)
        rounds: list[tuple[Round, Round]] = []
        for _ in range(args.rounds):
            b = load(port, bare, cookie, seconds=args.seconds, threads=args.threads, cap=args.cap)
            m = load(port, url, cookie, seconds=args.seconds, threads=args.threads, cap=args.cap)
            rounds.append((b, m))
        print(f"\n{'round':>5} {'bare req/s':>11} {'module req/s':>13} {'ratio':>6} {'errors':>7}")
        for n, (b, m) in enumerate(rounds, 1):
            ratio = m.rps / b.rps if b.rps else 0.0
            errors = b.errors + m.errors
            print(f"{n:>5} {b.rps:>11.0f} {m.rps:>13.0f} {ratio:>6.2f} {errors:>7}")
        ratios = [m.rps / b.rps for b, m in rounds if b.rps]
        median = statistics.median(ratios) if ratios else 0.0
        errors = sum(b.errors + m.errors for b, m in rounds)
        total = sum(b.requests + m.requests for b, m in rounds)
        print(
            f"\nmedian: bare {statistics.median(b.rps for b, _ in rounds):.0f} req/s, "
            f"module {statistics.median(m.rps for _, m in rounds):.0f} req/s, "
            f"ratio module/bare {median:.2f}"
        )
        met = "met" if median >= TARGET else "NOT met"
        print(f"target: module page at {TARGET} or more of the bare route: {met}")
        print(f"requests: {total}, errors: {errors}")
        return 1 if errors else 0
    finally:
        stop(server)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
