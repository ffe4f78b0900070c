"""Benchmark: what a certificate costs per request, in process, against a bare route.

Not a test: it prints the median time of each URL over ``--requests`` requests and its
ratio to a bare route that passes the same hooks (access check, session, headers), and
exits non-zero only when a request does not answer 200. The PDF is made per request (it
is small), so its line is the one to watch; the JSON line includes the Ed25519 signature.
The Open Badge is signed at issue and served as stored; the status list is built from the
records per request and re-signed only when it changed. The last line is what signing a
credential costs (RDF canonicalisation with pyld and Ed25519), for certificates whose
credential is built on request.
Run with ``make benchmark`` or ``.venv/bin/python benchmarks/bench_certificates.py``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark learner passphrase 2026"


def build(tmp: Path):
    os.environ.update(
        {
            "LMS_CONFIG": "development",
            "FLASK_DEBUG": "0",
            "LMS_DEMO": "0",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
            "LMS_COURSES_DIR": str(ROOT / "courses"),
            "LMS_ENTRY_POINT_PLUGINS": "0",
            "LMS_RATELIMIT_ENABLED": "0",
        }
    )
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from lms import create_app, events
    from lms.access import public
    from lms.auth.services import register_user
    from lms.content.models import Course
    from lms.content.sync import sync_courses
    from lms.extensions import db
    from lms.models import Centre, Profession, utcnow

    app = create_app()

    @app.route("/__bench/bare")
    @public
    def bench_bare():
        return "ok"

    with app.app_context():
        upgrade(revision="heads")
        sync_courses(ROOT / "courses")
        centre = db.session.scalar(db.select(Centre).where(Centre.slug == "skane"))
        user = register_user(
            email="bench@example.com",
            name="Łukasz Åström-Ölander",
            password=PASSWORD,
            centre_id=centre.id,
            profession=Profession.nurse,
        )
        course = db.session.scalars(db.select(Course)).first()
        version = course.published_version or course.latest_version
        payload = events.CourseCompleted(user.id, course.id, version.id, 1, 1, utcnow(), 91.0)
        events.emit(events.course_completed, payload)
        from lms.plugins.certificates.codes import display
        from lms.plugins.certificates.models import Certificate

        code = display(db.session.scalar(db.select(Certificate.code)))
    return app, code


def measure(client, url: str, n: int, headers=None) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return statistics.median(times) * 1000


def signing_ms(n: int) -> float:
    """Median time to build and sign the stored certificate's credential anew."""
    from lms.extensions import db
    from lms.plugins.certificates import credentials
    from lms.plugins.certificates.models import Credential

    stored = db.session.scalars(db.select(Credential)).first()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        credentials.build(stored.certificate, stored)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, code = build(Path(tmp))
        client = app.test_client()
        login = client.post(
            "/auth/login",
            data={"email": "bench@example.com", "password": PASSWORD},
        )
        if login.status_code == 400:  # CSRF on: take the token from a page first
            import re

            page = client.get("/accessibility").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            client.post(
                "/auth/login",
                data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": token},
            )
        urls = [
            ("bare route", "/__bench/bare", None),
            ("verify (HTML)", f"/certificates/{code}", None),
            ("verify (signed JSON)", f"/certificates/{code}", {"Accept": "application/json"}),
            ("public key", "/certificates/public-key", None),
            ("PDF", f"/certificates/{code}.pdf", None),
            ("Open Badge (stored)", f"/certificates/{code}/credential.json", None),
            ("status list", "/certificates/status/1", None),
        ]
        for _name, url, headers in urls:  # warm up: templates, fonts, first connection
            measure(client, url, 2, headers)
        bare = None
        print(f"{'URL':24} {'median ms':>10} {'x bare':>8}   ({args.requests} requests each)")
        for name, url, headers in urls:
            ms = measure(client, url, args.requests, headers)
            bare = bare or ms
            print(f"{name:24} {ms:10.1f} {ms / bare:8.1f}")
        with app.app_context():
            ms = signing_ms(args.requests)
            print(f"{'signing a credential':24} {ms:10.1f} {ms / bare:8.1f}")
            app.extensions["sqlalchemy"].engine.dispose()


if __name__ == "__main__":
    main()
