"""/favicon.ico and /favicon.svg: every browser asks for the icon, so it is answered in
front of Flask (no session, no database, no hook), cached for long, with the security
headers every response gets; the layout names it."""

from __future__ import annotations

import pytest
from flask import request_started

from tests.sql import counting


@pytest.mark.parametrize(
    ("path", "kind", "magic"),
    [
        ("/favicon.ico", "image/x-icon", b"\x00\x00\x01\x00"),
        ("/favicon.svg", "image/svg+xml", b"<svg"),
    ],
)
def test_favicon_is_served_cheaply_and_cached_long(app, client, auth, make_user, path, kind, magic):
    auth.login(make_user())  # a signed-in person's icon is the same bytes: still cached
    seen = []

    def started(sender, **_extra):
        seen.append(sender)

    request_started.connect(started, app)
    try:
        with counting(transaction_control=False) as sent:
            response = client.get(path)
    finally:
        request_started.disconnect(started, app)
    assert response.status_code == 200
    assert response.data.startswith(magic)
    assert response.mimetype == kind
    assert response.headers["Cache-Control"] == "public, max-age=31536000"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    assert seen == []
    assert sent == []
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert client.head(path).data == b""
    assert client.post(path).status_code == 405


def test_layout_links_the_icons(client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in page
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in page
