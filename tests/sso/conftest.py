"""Single sign-on tests: the app configured with the session's real identity providers, and
helpers that play the browser's part at the provider over real HTTP."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.sso.servers import TEST_BASE_URL


@pytest.fixture
def config_overrides(sso_servers) -> dict:
    return {
        "LMS_BASE_URL": TEST_BASE_URL,
        "LMS_SSO_PROVIDERS": json.dumps(sso_servers.providers()),
    }


@pytest.fixture
def other_client(app):
    """A second browser (its own cookies), in English like ``client``."""
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return other


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            # Hidden fields and the (first) submit button, as a browser sends them.
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value") or "")


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def local(url: str) -> str:
    """The path and query of one of our URLs, for the Flask test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def at_provider(url: str, fields: dict, session: requests.Session | None = None) -> str:
    """Follow the provider's pages from ``url``, filling each form with ``fields``, until it
    sends the browser back to us; returns that URL (with the code or the ticket)."""
    session = session or requests.Session()
    for _ in range(12):
        response = session.get(url, allow_redirects=False, timeout=10)
        while response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
            if url.startswith(TEST_BASE_URL):
                return url
            response = session.get(url, allow_redirects=False, timeout=10)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        form = forms(response.text)[0]
        data = {**form["fields"], **{k: v for k, v in fields.items()}}
        action = urljoin(url, form["action"] or url)
        response = session.post(action, data=data, allow_redirects=False, timeout=10)
        url = urljoin(action, response.headers.get("Location", ""))
        if url.startswith(TEST_BASE_URL):
            return url
    raise AssertionError("the provider never sent the browser back")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def oidc_sign_in(client, login: str, *, start: str = "/sso/region-test/login"):
    """The whole OIDC round trip; returns the response to our callback."""
    response = client.get(start)
    assert response.status_code == 302, response.status_code
    callback = at_provider(response.headers["Location"], {"login": login, "password": "x"})
    return client.get(local(callback))


def saml_post(client, idp, login: str, *, start: str = "/sso/saml-test/login"):
    """SP-initiated SAML login up to the IdP's answer: (ACS path, SAMLResponse)."""
    response = client.get(start)
    assert response.status_code == 302, response.status_code
    session = requests.Session()
    page = session.get(response.headers["Location"], timeout=10)
    assert page.status_code == 200, page.text[:300]
    form = forms(page.text)[0]
    answer = session.post(
        urljoin(page.url, form["action"]), data={**form["fields"], "username": login}, timeout=10
    )
    assert answer.status_code == 200, answer.text[:300]
    posted = forms(answer.text)[0]
    return local(posted["action"]), posted["fields"]["SAMLResponse"]


def saml_sign_in(client, idp, login: str, **kwargs):
    acs, saml_response = saml_post(client, idp, login, **kwargs)
    response = client.post(acs, data={"SAMLResponse": saml_response}, csrf=False)
    if response.status_code != 303:
        return response
    return client.get(local(response.headers["Location"]))


REFRESH_RE = re.compile(r'<meta http-equiv="refresh" content="0;url=([^"]+)">')


def onward(client, logout_response) -> str:
    """After our logout: the provider's logout URL the leaving page sends the browser to."""
    location = logout_response.headers["Location"]
    assert location.startswith("/sso/"), location
    page = client.get(location).get_data(as_text=True)
    target = html.unescape(REFRESH_RE.search(page).group(1))
    assert f'href="{html.escape(target)}"' in page  # the same, as a link
    return target
