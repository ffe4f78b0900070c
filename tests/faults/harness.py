"""A real site under gunicorn and learners that drive it over loopback, for the fault test
(tests/faults/) and the load script (benchmarks/load_learners.py).

The site is prepared and checked in child processes (``python -m tests.faults.records``),
so the app built here never meets the test suite's own app or environment.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PASSWORD = "fault learner passphrase 2026"
TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HIDDEN_RE = re.compile(r'name="(attempt_id|lock_version)" value="(\d+)"')
CHOICE_RE = re.compile(r'name="(q\d+)" value="(\d+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def site_env(database_url: str, courses: Path) -> dict[str, str]:
    return {
        "LMS_CONFIG": "development",
        "FLASK_DEBUG": "0",
        "LMS_DEMO": "0",
        "SECRET_KEY": "fault-and-load-secret-0123456789abcdef",
        "DATABASE_URL": database_url,
        "LMS_COURSES_DIR": str(courses),
        "LMS_ENTRY_POINT_PLUGINS": "0",
        "LMS_RATELIMIT_ENABLED": "0",  # every learner logs in from 127.0.0.1
    }


def _child(command: str, env: dict[str, str], payload: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.records", command],
        input=json.dumps(payload),
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(
    env: dict[str, str], learners: int, enrol: str | None = None, sessions: int = 0
) -> dict:
    """Migrate, sync the courses, add learners (enrolled in course ``enrol`` when given;
    the last ``sessions`` of them signed in already); the site description
    (records.prepare)."""
    payload = {"learners": learners, "enrol": enrol, "sessions": sessions}
    return _child("prepare", env, payload)


def verify(env: dict[str, str], ledger: dict) -> dict:
    """Check the stored records against what the clients saw (records.verify)."""
    return _child("verify", env, ledger)


class Gunicorn:
    """gunicorn in its own process group, so stopping it stops every worker too."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        workers: int,
        threads: int,
        app: str = "wsgi:app",
        worker_class: str = "gthread",
        config: Path | None = None,
    ):
        self.port = free_port()
        self.log = log
        if config is not None:  # a gunicorn.conf.py as deployed (workers, threads, ...)
            env = {**env, "GUNICORN_BIND": f"{HOST}:{self.port}"}
            command = [sys.executable, "-m", "gunicorn", "-c", str(config), app]
        else:
            command = self._command(app, workers, threads, worker_class)
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _command(self, app: str, workers: int, threads: int, worker_class: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            f"--bind={HOST}:{self.port}",
            "--graceful-timeout=20",
            "--timeout=60",
            "--keep-alive=5",  # as deploy/gunicorn.conf.py
            "--backlog=2048",
            "--log-level=info",
            app,
        ]

    def wait_ready(self, seconds: float = 40, path: str = "/healthz") -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log.read_text()[-3000:])
            conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
            try:
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path} in time")

    def workers(self) -> list[int]:
        pids: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pids += [int(p) for p in task.read_text().split()]
        return pids

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


class Gone(Exception):
    """No answer after every retry."""


class Browser:
    """One learner's browser: cookies, a keep-alive connection, and the retry a person
    makes when a page fails to load (send the same request again)."""

    def __init__(
        self,
        port: int,
        email: str = "",
        *,
        retries: int = 0,
        timeout: float = 60,
        keepalive: bool = True,
        language: str = "en",
    ):
        self.port = port
        self.language = language
        self.email = email
        self.keepalive = keepalive
        self.retries = retries
        self.timeout = timeout
        self.jar: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.latencies: list[tuple[str, float]] = []  # (kind, seconds)
        self.errors: Counter = Counter()
        self.replays = 0

    def _once(self, method: str, url: str, body: str | None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        headers["Accept-Language"] = self.language
        if not self.keepalive:
            headers["Connection"] = "close"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, url, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if response.will_close:
            self.conn.close()
            self.conn = None
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.jar[name] = morsel.value
        return response.status, response.headers, text

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, url: str, form=None, *, kind: str = "page"):
        """(status, headers, text, tries). Connection errors and 5xx are counted, then
        retried (the same form again) up to ``retries`` times."""
        body = urlencode(form, doseq=True) if form is not None else None
        for attempt in range(self.retries + 1):
            start = time.perf_counter()
            try:
                status, headers, text = self._once(method, url, body)
            except (OSError, http.client.HTTPException) as exc:
                self.errors[f"{kind}: {type(exc).__name__}"] += 1
            else:
                self.latencies.append((kind, time.perf_counter() - start))
                if status < 500:
                    return status, headers, text, attempt + 1
                locked = "database is locked" in text
                self.errors[f"{kind}: HTTP {status}{' database is locked' if locked else ''}"] += 1
            if attempt < self.retries:
                self.replays += 1
                time.sleep(0.05 + random.random() * 0.2)
        raise Gone(f"{method} {url}")

    def log_in(self) -> None:
        page = self.request("GET", "/auth/login")[2]
        form = {"csrf_token": TOKEN_RE.search(page).group(1), "email": self.email}
        status = self.request("POST", "/auth/login", {**form, "password": PASSWORD}, kind="login")[
            0
        ]
        if status != 302:
            raise RuntimeError(f"login failed for {self.email}: HTTP {status}")

    def enrol(self, course: str) -> None:
        page = self.request("GET", f"/courses/{course}/")[2]
        if f"/courses/{course}/enrol" not in page:
            return  # enrolled already (a replay of the POST below, or the quiz enrolled us)
        form = {"csrf_token": TOKEN_RE.search(page).group(1)}
        status = self.request("POST", f"/courses/{course}/enrol", form, kind="enrol")[0]
        if status != 302:
            raise RuntimeError(f"enrol: HTTP {status}")

    def read_and_complete(self, course: str, module: str, ledger: dict) -> None:
        status, _h, page, _tries = self.request(
            "GET", f"/courses/{course}/{module}/", kind="module"
        )
        if status != 200:
            ledger["problems"].append(f"module page: HTTP {status}")
            return
        match = TOKEN_RE.search(page)
        if match is None or f"/{module}/complete" not in page:
            return  # done already: the page offers no button
        status = self.request(
            "POST",
            f"/courses/{course}/{module}/complete",
            {"csrf_token": match.group(1)},
            kind="complete",
        )[0]
        if status == 302:
            ledger["completed"].append([self.email, course, module])
        else:
            ledger["problems"].append(f"complete {module}: HTTP {status}")

    def take_quiz(self, url: str, key: dict[str, list[int]], right: bool, ledger: dict) -> None:
        """POST start (starts or resumes the attempt), GET the form, POST answers; an
        answer counts as acknowledged on the 303 to its result, or on "already submitted"
        after a replay (the first send was stored but its answer lost on the way back)."""
        status, _h, page, _tries = self.request("GET", url, kind="quiz page")
        match = TOKEN_RE.search(page) if status == 200 else None
        if match is None:
            ledger["problems"].append(f"quiz page: HTTP {status}")
            return
        if "attempt_id" not in page:
            form = {"csrf_token": match.group(1)}
            status = self.request("POST", url + "start", form, kind="quiz start")[0]
            if status != 303:
                ledger["problems"].append(f"quiz start: HTTP {status}")
                return
            status, _h, page, _tries = self.request("GET", url, kind="quiz form")
        if status != 200 or "attempt_id" not in page:
            ledger["problems"].append(f"quiz form: HTTP {status}")
            return
        fields = dict(HIDDEN_RE.findall(page))
        names = sorted(set(name for name, _v in CHOICE_RE.findall(page)))
        answers: dict[str, list[str]] = {}
        for name in names:
            picks = key[name] if right else [next(i for i in range(3) if i not in key[name])]
            answers[name] = [str(i) for i in picks]
        form = {"csrf_token": TOKEN_RE.search(page).group(1), **fields, **answers}
        status, headers, _text, tries = self.request("POST", url, form, kind="quiz submit")
        record = {"attempt_id": int(fields["attempt_id"]), "answers": answers}
        if status == 303 and "/attempts/" in headers.get("Location", ""):
            ledger["acknowledged"].append(record)
        elif status == 409 and tries > 1:
            ledger["acknowledged"].append(record)  # stored by a send whose reply was lost
        else:
            ledger["problems"].append(f"quiz submit: HTTP {status} after {tries} send(s)")


def new_ledger() -> dict:
    return {"acknowledged": [], "completed": [], "problems": []}
