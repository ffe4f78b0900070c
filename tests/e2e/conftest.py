"""Browser tests: the app under gunicorn on 127.0.0.1 with a temporary database, driven by
Playwright in Debian's Chromium (never a downloaded browser), checked with axe-core.

Collected only when /usr/bin/chromium exists (``.ci/run`` installs it); axe-core comes from
the npm registry into node_modules/ (``make test`` and ``.ci/run`` install it) and is injected
into the page under test, never served to users.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import write_course

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
DEMO_PASSWORD = "demo-atmp-2026"
DRAFT_SLUG = "draft-course"
DRAFT_TITLE = "Draft course for previewing"
SIGNED_SLUG = "signed-sop-course"
SIGNED_TITLE = "Signed SOP course"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("e2e")
    # The real courses plus one draft, so the educator's preview has something to show.
    courses = base / "courses"
    shutil.copytree(ROOT / "courses", courses)
    write_course(courses, DRAFT_SLUG, title=DRAFT_TITLE, status="draft", audiences=("nurse",))
    # A reading-only course the learner signs (records: tests/e2e/test_e2e_records.py).
    write_course(
        courses,
        SIGNED_SLUG,
        title=SIGNED_TITLE,
        quiz_modules=(),
        audiences=("nurse", "pharmacist"),
        course={"signature": "required"},
    )
    env = {
        **os.environ,
        "LMS_CONFIG": "development",
        "LMS_DEMO": "1",
        "FLASK_APP": "wsgi",
        "SECRET_KEY": "e2e-secret-key-0123456789abcdefghijkl",
        "DATABASE_URL": f"sqlite:///{base / 'e2e.sqlite'}",
        "LMS_COURSES_DIR": str(courses),
        "LMS_LOGIN_LIMIT_PER_ACCOUNT": "100 per minute",
        "LMS_LOGIN_LIMIT_PER_ADDRESS": "500 per minute",
        "LMS_FORM_LIMIT": "500 per minute",
    }
    env.pop("LMS_TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade", "heads"], ["lms", "seed-demo"], ["lms", "sync-courses"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)
    return env


@pytest.fixture(scope="session")
def base_url(server_env):
    port = _free_port()
    log = open(Path(server_env["DATABASE_URL"][len("sqlite:///") :]).with_suffix(".log"), "w")  # noqa: SIM115
    process = subprocess.Popen(
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
        env={**server_env, "LMS_BASE_URL": f"http://127.0.0.1:{port}"},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded CI machine boots workers slowly
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the app did not start under gunicorn") from None
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=60)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, base_url):
    """``page_for("en")`` -> a fresh browser page (own cookies) in that language."""
    contexts = []

    def make(locale: str = "en"):
        context = browser.new_context(
            base_url=base_url, locale=locale, extra_http_headers={"Accept-Language": locale}
        )
        context.set_default_timeout(10_000)  # a missing element fails fast, not in 30 s
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    assert AXE.exists(), "axe-core missing: run `npm install` (make test does it)"
    return AXE.read_text()


def check_accessibility(page, axe_source: str, name: str) -> None:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules; save a screenshot for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # evaluate() runs through the DevTools protocol, so the page's CSP (no inline scripts)
    # stays as it is for the page itself.
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in v["nodes"][:5]
        )
        for v in result["violations"]
    ]
    assert problems == [], f"{name}: " + "\n".join(problems)


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail address").or_(page.get_by_label("E-postadress")).fill(email)
    page.locator("#password").fill(password)
    page.locator("form:has(#password) button[type=submit]").click()
    page.wait_for_load_state()
