"""``/favicon.ico`` and ``/favicon.svg``: the site's icon, answered in front of Flask.

Every browser asks for ``/favicon.ico`` whatever the page says, so it is answered like
``/healthz`` (:mod:`lms.health`): a small WSGI middleware with the bytes read once at start,
no session decoded, no database, no hook. The answer carries the security headers every
response gets (:data:`lms.security.base_headers`), an ETag (a 304 to a browser that has
it) and ``Cache-Control: public, max-age=31536000`` (a year: the icon is the same bytes for
everyone and changes with a release at most). Only GET and HEAD are answered (else 405).
The layout links both (``base.html``); the files are ``lms/static/favicon.*``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Flask

from lms.security import base_headers

CACHE = "public, max-age=31536000"
FILES = {"/favicon.ico": "image/x-icon", "/favicon.svg": "image/svg+xml"}


class Favicon:
    """WSGI middleware answering the paths of :data:`FILES`; the rest goes to ``wsgi_app``."""

    def __init__(self, wsgi_app: Callable, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        static = Path(app.static_folder or Path(__file__).parent / "static")
        self.files: dict[str, tuple[bytes, str, str]] = {}
        for path, kind in FILES.items():
            data = (static / path.lstrip("/")).read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            self.files[path] = (data, kind, etag)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        found = self.files.get(environ.get("PATH_INFO", ""))
        if found is None:
            return self.wsgi_app(environ, start_response)
        data, kind, etag = found
        headers = [*base_headers(self.app.config), ("Cache-Control", CACHE), ("ETag", etag)]
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            start_response("405 METHOD NOT ALLOWED", [*headers, ("Allow", "GET, HEAD")])
            return [b""]
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        headers += [("Content-Type", kind), ("Content-Length", str(len(data)))]
        start_response("200 OK", headers)
        return [b"" if method == "HEAD" else data]


def install(app: Flask) -> None:
    """Put the icon in front of the app's WSGI callable."""
    app.wsgi_app = Favicon(app.wsgi_app, app)  # type: ignore[method-assign]
