"""The independent verifier (tests/verify_credentials.mjs) as one long-lived Node process.

Node and the Digital Bazaar libraries take a moment to start, so the tests share one
process for the whole session and send it one request (a batch of credentials) per check.
"""

from __future__ import annotations

import json
import selectors
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "verify_credentials.mjs"
TIMEOUT = 60  # seconds for one batch; a hung verifier fails the test, never the run


class NodeVerifier:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None or not (ROOT / "node_modules" / "@digitalbazaar" / "vc").exists():
            pytest.fail("the credential verifier needs Node and `npm install` (make test runs it)")
        self.process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)

    def check(self, credentials: list[dict], served: dict, now: str | None = None) -> list[str]:
        """One verdict per credential: "verified", "verified, revoked" or "error: ...".

        ``served`` maps absolute URLs to ``{"type": content type, "body": text}``: what the
        platform answered there (the DID document, status lists).
        """
        request = {"now": now, "served": served, "credentials": credentials}
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        if not self.selector.select(TIMEOUT):
            pytest.fail(f"the verifier gave no answer within {TIMEOUT} s")
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"the verifier stopped: {self.process.stderr.read()}")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()
        self.selector.close()
