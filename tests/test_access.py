"""Deny by default: every endpoint declares who may call it, and the matrix holds.

When you add a view, list it in a module of ``tests/access_rules/``: the first test fails
until you do.
"""

from __future__ import annotations

import pytest
from flask import url_for

from lms.access import ANY_USER, access_rule, public
from lms.models import Role
from tests.access_rules import ANY, PUBLIC, collect

EXPECTED, SAMPLE_ARGS = collect()

# Each person's roles beyond learner (everyone is a learner); None: not logged in. The last
# holds two: an educator who is also their centre's admin gets the pages of both.
ROLES = [None, *((r,) for r in Role), (Role.educator, Role.centre_admin)]


def _id(roles) -> str:
    return "+".join(r.value for r in roles) if roles else "anonymous"


def _declared(app, endpoint):
    if endpoint == "static" or endpoint.endswith(".static"):  # as lms.access.enforce
        return PUBLIC
    rule = access_rule(app.view_functions[endpoint])
    if rule is None:
        return PUBLIC
    if rule == ANY_USER:
        return ANY
    return rule


def test_every_endpoint_declares_its_rule_and_matches_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), "list new endpoints in tests/access_rules/"
    for endpoint in endpoints:
        assert _declared(app, endpoint) == EXPECTED[endpoint], endpoint


def _request(client, app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **{k: SAMPLE_ARGS[k] for k in rule.arguments})
    response = client.get(url) if "GET" in rule.methods else client.post(url, data={})
    response.close()  # static files are streamed
    return response


def _allowed(expected, roles) -> bool:
    if expected == PUBLIC:
        return True
    if roles is None:
        return False
    if expected == ANY:
        return True
    return not {Role.learner, *roles}.isdisjoint(expected)


@pytest.mark.parametrize("role", ROLES, ids=_id)
def test_role_endpoint_matrix(app, client, auth, make_user, role):
    if role is not None:
        auth.login(make_user(roles=role))
    for endpoint, expected in EXPECTED.items():
        if endpoint == "auth.logout":
            continue  # would end the session the rest of the loop needs; tested in test_auth
        response = _request(client, app, endpoint)
        if _allowed(expected, role):
            assert response.status_code != 403, endpoint
            location = response.headers.get("Location", "")
            assert not (response.status_code == 302 and "/auth/login?next" in location), endpoint
        elif role is None:
            assert response.status_code == 302, endpoint
            assert "/auth/login" in response.headers["Location"], endpoint
        else:
            assert response.status_code == 403, endpoint


def test_view_without_declaration_is_refused_to_everyone(app, client, auth, make_user):
    @app.route("/undeclared")
    def undeclared():
        return "secret"

    assert client.get("/undeclared").status_code == 403
    auth.login(make_user(role=Role.site_admin))
    response = client.get("/undeclared")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


def test_public_decorator_opens_a_view(app, client):
    @app.route("/open")
    @public
    def open_view():
        return "hello"

    assert client.get("/open").get_data(as_text=True) == "hello"
