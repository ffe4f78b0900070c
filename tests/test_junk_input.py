"""Any query parameter or form value a route does not expect is a 4xx, never a 500 (issue
12, §4). Every route of the app gets, on the demo-like site of ``test_every_page``, every
parameter name the app reads filled with values that broke similar apps: numbers too large
for SQL, NUL, a lone surrogate's bytes, control characters, wildcards, 10 000 characters.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import url_for

from lms.models import Role
from tests.test_every_page import config_overrides, site  # noqa: F401  (fixtures)

NAMES = [
    "page", "q", "course", "centre", "status", "profession", "audience", "language",
    "preview", "next", "again", "attempt_id", "lock_version", "key", "extra", "reason",
    "name", "email", "role", "roles", "active", "clear", "person", "target", "due_on", "file",
    "csrf_token", "version_id", "drawn", "lang", "assign", "new_due_date",
]  # fmt: skip
VALUES = [
    "99999999999999999999",
    "-1",
    "%00",
    "%ED%A0%80%0B%1B%7F",  # a lone surrogate (not valid UTF-8), control characters
    "%25_%5C" + "%C3%A5" * 300,  # LIKE wildcards, an escape, 300 x å
    "x" * 10_000,
]


FORM = "application/x-www-form-urlencoded"


def _query(value: str) -> str:
    return "&".join(f"{name}={value}" for name in NAMES)


def _form(value: str) -> str:
    return _query(value)


@pytest.mark.parametrize("role", [None, Role.learner, Role.site_admin])
def test_no_junk_in_a_query_or_form_is_a_server_error(app, site, auth, role):  # noqa: F811
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    user = site.users[role]
    if user is not None:
        type(auth)(client).login(user)
    token = client.csrf_token()
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.logout"):
            continue
        values = {**site.args, **site.per_endpoint.get(rule.endpoint, {})}
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        for value in VALUES:
            method = "GET" if "GET" in rule.methods else "POST"
            try:
                if method == "GET":
                    response = client.get(f"{url}?{_query(value)}")
                else:
                    body = f"csrf_token={quote(token)}&{_form(value)}"
                    response = client.post(url, data=body, csrf=False, content_type=FORM)
            except Exception as error:  # the test client re-raises what was a 500
                problems.append(f"{method} {url} {value[:20]}: {error!r}")
                continue
            if response.status_code >= 500:
                problems.append(f"{method} {url} {value[:20]}: {response.status_code}")
            response.close()
    assert not problems, "\n".join(problems)
