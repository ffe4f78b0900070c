"""``/healthz``: is this process up and can it reach its database?

Load balancers and monitors ask it every few seconds, so it is answered by a small WSGI
middleware in front of Flask: no session cookie is decoded, no locale chosen, no user
loaded, no hook run: one ``SELECT 1`` on a pooled connection. The answer is JSON,
``{"status": "ok", "database": "ok"}`` (200) or ``{"status": "error", "database":
"unreachable"}`` (503, the failure logged), never cached, with the security headers every
response gets (:data:`lms.security.BASE_HEADERS`). Only GET and HEAD are answered; any
other method gets 405.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from flask import Flask

from lms.security import base_headers

PATH = "/healthz"


class HealthCheck:
    """WSGI middleware answering :data:`PATH`; every other request goes to ``wsgi_app``."""

    def __init__(self, wsgi_app: Callable, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return self.wsgi_app(environ, start_response)
        headers = [*base_headers(self.app.config), ("Cache-Control", "no-store")]
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            start_response("405 METHOD NOT ALLOWED", [*headers, ("Allow", "GET, HEAD")])
            return [b""]
        if self._database_ok():
            status, body = "200 OK", {"status": "ok", "database": "ok"}
        else:
            status, body = "503 SERVICE UNAVAILABLE", {"status": "error", "database": "unreachable"}
        data = json.dumps(body).encode()
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(status, headers)
        return [b"" if method == "HEAD" else data]

    def _database_ok(self) -> bool:
        try:
            if self._engine is None:
                from lms.extensions import db

                with self.app.app_context():
                    self._engine = db.engine
            with self._engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # any failure means: not healthy
            self.app.logger.exception("health check failed")
            return False


def install(app: Flask) -> None:
    """Put the health check in front of the app's WSGI callable."""
    app.wsgi_app = HealthCheck(app.wsgi_app, app)  # type: ignore[method-assign]
