"""In a real browser: the account pages work and pass axe-core in both languages."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import check_accessibility, login

PUBLIC_PAGES = ["/auth/login", "/auth/register", "/auth/forgot", "/accessibility", "/"]


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_pass_axe(page_for, axe_source, path, locale):
    page = page_for(locale)
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == locale
    name = f"{locale}-{path.strip('/').replace('/', '-') or 'home'}"
    check_accessibility(page, axe_source, name)


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_logged_in_pages_pass_axe(page_for, axe_source, locale):
    page = page_for(locale)
    login(page, "nurse@example.com")
    for path in ("/auth/profile", "/auth/password"):
        page.goto(path)
        check_accessibility(page, axe_source, f"{locale}-{path.strip('/').replace('/', '-')}")


def test_form_errors_are_announced_and_accessible(page_for, axe_source):
    page = page_for("en")
    page.goto("/auth/register")
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert")
    assert "Please correct the following" in summary.inner_text()
    assert page.locator("#name").get_attribute("aria-invalid") == "true"
    check_accessibility(page, axe_source, "en-register-errors")


def test_register_log_out_and_in_again_in_swedish(page_for):
    page = page_for("sv")
    page.goto("/auth/register")
    page.get_by_label("Fullständigt namn").fill("Märta Ångström")
    page.get_by_label("E-postadress").fill("marta.angstrom@example.com")
    page.get_by_label("Centrum").select_option(label="Skånes universitetssjukhus, Lund/Malmö")
    page.get_by_label("Yrke").select_option(value="nurse")
    page.get_by_label("Lösenord", exact=True).fill("tre ord som ingen gissar")
    page.get_by_label("Upprepa lösenordet").fill("tre ord som ingen gissar")
    page.get_by_role("button", name="Skapa konto").click()
    assert "Välkommen, Märta Ångström!" in page.content()
    page.get_by_role("button", name="Logga ut").click()
    assert "Du är utloggad." in page.content()
    login(page, "marta.angstrom@example.com", "tre ord som ingen gissar")
    assert page.get_by_role("button", name="Logga ut").is_visible()


def test_language_switch_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, locale="en")
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_role("button", name="Svenska").click()
    assert re.search(r"Logga in", page.content())
    assert page.locator("html").get_attribute("lang") == "sv"
    context.close()


def test_keyboard_skip_link_moves_focus_to_main(page_for):
    page = page_for("en")
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
