"""In a real browser: a nurse signs in through the region's OpenID provider, another through
the SAML IdP, and each lands on /me/ with the centre the provider asserted."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.e2e.conftest import ROOT, check_accessibility, login


@pytest.fixture(scope="module")
def sso_base_url(server_env, sso_servers, tmp_path_factory):
    """The app under gunicorn with the session's identity providers, on the port they know."""
    folder = tmp_path_factory.mktemp("e2e-sso")
    url = f"http://127.0.0.1:{sso_servers.e2e_port}"
    env = {
        **server_env,
        "DATABASE_URL": f"sqlite:///{folder / 'sso.sqlite'}",
        "LMS_BASE_URL": url,
        "LMS_SSO_PROVIDERS": json.dumps(sso_servers.providers()),
    }
    for args in (["db", "upgrade", "heads"], ["lms", "seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", *args], env=env, cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
    with open(folder / "gunicorn.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind",
             f"127.0.0.1:{sso_servers.e2e_port}", "wsgi:app"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise RuntimeError("the SSO app did not start under gunicorn") from None
                time.sleep(0.2)
        yield url
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def sso_page(browser, sso_base_url):
    context = browser.new_context(
        base_url=sso_base_url, locale="sv", extra_http_headers={"Accept-Language": "sv"}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_sign_in_through_the_openid_provider_lands_on_me_with_the_centre(sso_page, axe_source):
    page = sso_page
    page.goto("/auth/login?next=/me/")
    check_accessibility(page, axe_source, "sv-login-with-sso")
    page.get_by_role("link", name="Logga in med Region Test").click()
    page.locator("input[name=login]").fill("erik")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url("**/me/")
    panel = page.locator("#sso-panel-heading").locator("..").inner_text()
    assert "Erik Webbläsare · Akademiska sjukhuset, Uppsala · Läkare" in panel
    check_accessibility(page, axe_source, "sv-me-after-oidc")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state()
    # The provider asks whether to end its session too; yes, and we are back at login.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url("**/auth/login")
    assert "Du är utloggad" in page.locator(".flashes").inner_text()


def test_sign_in_through_the_saml_idp_lands_on_me_with_the_centre(sso_page, axe_source):
    page = sso_page
    page.goto("/auth/login?next=/me/")
    page.get_by_role("link", name="Logga in med Inera (test)").click()
    page.get_by_label("Username").fill("sven")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/me/")
    panel = page.locator("#sso-panel-heading").locator("..").inner_text()
    assert "Sven Browser · Skånes universitetssjukhus, Lund/Malmö · Farmaceut" in panel
    page.goto("/sso/identities")
    check_accessibility(page, axe_source, "sv-sso-identities")


def test_site_admin_page_with_providers_passes_axe(sso_page, axe_source):
    page = sso_page
    # Passwords still work next to the providers' buttons.
    login(page, "admin@example.com")
    page.goto("/sso/admin/")
    assert "/sso/region-test/callback" in page.content()
    check_accessibility(page, axe_source, "sv-sso-admin")
