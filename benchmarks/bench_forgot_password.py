"""The forgot-password page takes about the same time for a known and an unknown address,
whatever the mail server does (the enumeration oracle of the trust issue: 1.6 s against
46 ms when the request talked SMTP).

In one process: a throw-away SQLite database, one account, and a real SMTP server (aiosmtpd on
loopback) that takes 1.5 s to accept each message. Then ``--requests`` POSTs to /auth/forgot
for the known address and as many for unknown ones, interleaved, plus a bare route for scale.
Prints the median time of each and the ratios known/unknown and known/bare, then drains the
outbox once to show the mail does go out (slowly) outside the requests. Fails only when a
request fails.

    .venv/bin/python benchmarks/bench_forgot_password.py [--requests 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SlowHandler:
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(1.5)
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from lms import create_app, mail
    from lms.models import Profession
    from tests.mailbox import free_port

    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    controller = Controller(SlowHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_USE_TLS": False,
            "LMS_COURSES_DIR": str(ROOT / "courses"),
        }
    )
    app.add_url_rule("/__bench/bare", "bench_bare", lambda: "ok")
    app.view_functions["bench_bare"]._lms_access = None  # public
    try:
        with app.app_context():
            upgrade(revision="heads")
            from lms.auth.services import register_user

            register_user(
                email="known@example.com",
                name="Known Person",
                password="a long benchmark passphrase",
                centre_id=None,
                profession=Profession.nurse,
            )
        client = app.test_client()
        times: dict[str, list[float]] = {"known": [], "unknown": [], "bare": []}
        for n in range(args.requests):
            for kind in ("known", "unknown", "bare"):
                start = time.perf_counter()
                if kind == "bare":
                    response = client.get("/__bench/bare")
                else:
                    address = "known@example.com" if kind == "known" else f"nobody{n}@example.com"
                    response = client.post("/auth/forgot", data={"email": address})
                times[kind].append(time.perf_counter() - start)
                if response.status_code not in (200, 302):
                    print(f"{kind}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
        medians = {kind: statistics.median(values) * 1000 for kind, values in times.items()}
        for kind, value in medians.items():
            print(f"{kind:8s} median {value:7.2f} ms over {args.requests} requests")
        print(f"known/unknown {medians['known'] / medians['unknown']:.2f}")
        print(f"known/bare    {medians['known'] / medians['bare']:.1f}")
        with app.app_context():
            start = time.perf_counter()
            report = mail.drain(limit=3)
            took = time.perf_counter() - start
        print(f"the drain sent {len(report.sent)} messages in {took:.1f} s (1.5 s each)")
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LMS_CONFIG", "testing")
    sys.exit(main())
