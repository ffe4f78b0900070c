"""Past one machine: two app instances share one PostgreSQL and one Redis.

A session made on one instance works on the other (sessions are signed cookies; no instance
keeps state), and login throttling counts across both (Flask-Limiter's storage in Redis).
Runs in the PostgreSQL round of the suite (``LMS_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "demo-atmp-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    assert PG_URL, "runs in the PostgreSQL round: set LMS_TEST_DATABASE_URL"
    store = redis.Redis.from_url(REDIS_URL)
    store.ping()  # fails loudly when Redis is not there
    store.flushdb()
    name = f"lms_cluster_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "LMS_CONFIG": "development",
        "LMS_DEMO": "1",
        "FLASK_APP": "wsgi",
        "SECRET_KEY": "cluster-secret-shared-by-both-instances-0123",
        "DATABASE_URL": url,
        "LMS_RATELIMIT_STORAGE_URI": REDIS_URL,
        "LMS_LOGIN_LIMIT_PER_ACCOUNT": "4 per minute",
        "LMS_LOGIN_LIMIT_PER_ADDRESS": "100 per minute",
    }
    for args in (["db", "upgrade", "heads"], ["lms", "seed-demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    logs = tmp_path_factory.mktemp("cluster")
    processes, urls = [], []
    for index in range(2):
        port = _free_port()
        log = open(logs / f"instance{index}.log", "w")  # noqa: SIM115
        processes.append(
            (
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--workers",
                        "2",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "wsgi:app",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for base in urls:
            deadline = time.monotonic() + 60  # a loaded machine starts gunicorn slowly
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                        break
                except OSError:
                    assert time.monotonic() < deadline, "an instance did not start"
                    time.sleep(0.2)
        yield urls
    finally:  # also when an instance did not start: no process or log left behind
        for process, log in processes:
            process.terminate()
            process.wait(timeout=20)
            log.close()
    store.flushdb()
    store.close()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Browser:
    """A cookie jar and no redirects: enough to act as one person across both instances."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url, headers={"Accept-Language": "en"}))

    def post(self, url: str, data: dict) -> tuple[int, str]:
        page = self.get(url)[1]
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        body = urllib.parse.urlencode({**data, "csrf_token": token.group(1)}).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Accept-Language": "en"}))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_session_made_on_one_instance_works_on_the_other(cluster):
    first, second = cluster
    browser = Browser()
    status, _ = browser.post(
        f"{first}/auth/login", {"email": "nurse@example.com", "password": PASSWORD}
    )
    assert status == 302
    assert browser.get(f"{first}/auth/profile")[0] == 200
    # Cookies belong to the host, not the port: the same browser now reaches the other
    # instance, as it would behind a load balancer.
    status, page = browser.get(f"{second}/auth/profile")
    assert status == 200
    assert "nurse@example.com" in page
    copied = list(browser.jar)
    # Logging out on the second instance ends the session on the first as well, even for
    # a copy of the old cookie.
    assert browser.post(f"{second}/auth/logout", {})[0] == 302
    replay = Browser()
    for cookie in copied:
        replay.jar.set_cookie(cookie)
    assert browser.get(f"{first}/auth/profile")[0] == 302
    assert replay.get(f"{first}/auth/profile")[0] == 302


def test_login_throttling_counts_across_both_instances(cluster):
    first, second = cluster
    statuses = []
    for base in (first, second, first, second, first):
        status, _ = Browser().post(
            f"{base}/auth/login", {"email": "pharmacist@example.com", "password": "wrong one"}
        )
        statuses.append(status)
    assert statuses == [422, 422, 422, 422, 429]
