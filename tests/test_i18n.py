"""Swedish and English: chosen by the user, defaulting from the browser; catalogues complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SV_PO = ROOT / "lms" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


def test_browser_language_decides_for_visitors(app):
    client = app.test_client()
    sv = client.get("/auth/login", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in sv.get_data(as_text=True)
    assert "Logga in" in sv.get_data(as_text=True)
    en = client.get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Log in" in en.get_data(as_text=True)
    assert "Logga in" not in en.get_data(as_text=True)


def test_default_language_is_swedish(app):
    page = app.test_client().get("/auth/login").get_data(as_text=True)
    assert '<html lang="sv">' in page


def test_visitor_choice_overrides_the_browser(client):
    response = client.post("/lang", data={"lang": "sv", "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Glömt lösenordet?" in page


def test_user_choice_is_stored_and_used_after_login(app, client, auth, make_user):
    from lms.extensions import db

    user = make_user()
    auth.login(user)
    client.post("/lang", data={"lang": "sv"})
    db.session.refresh(user)
    assert user.locale == "sv"
    auth.logout()
    fresh = app.test_client()
    fresh.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    type(auth)(fresh).login(user)
    assert "Profil" in fresh.get("/auth/profile").get_data(as_text=True)


def test_form_errors_in_swedish(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = client.get("/accessibility").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/register",
        data={"csrf_token": token, "name": "", "email": "x", "password": "kort", "confirm": "k"},
    )
    text = response.get_data(as_text=True)
    assert "Använd minst 8 tecken." in text
    assert "Lösenorden är olika." in text
    assert "Det här fältet är obligatoriskt." in text  # WTForms' own messages, in Swedish


def test_swedish_catalogue_is_complete():
    with SV_PO.open("rb") as handle:
        catalog = read_po(handle)

    def translated(message) -> bool:
        forms = message.string if message.pluralizable else (message.string,)
        return all(forms)

    untranslated = [m.id for m in catalog if m.id and not translated(m)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        check=True,
        cwd=ROOT,
    )
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    assert len(extracted) > 100, "the extraction found (almost) nothing: check babel.cfg"
    with SV_PO.open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string}
    assert sorted(extracted - translated) == [], "run `make extract-messages` and translate"


def test_every_translation_formats_like_its_message():
    """Jinja's ``_()`` always applies ``%`` formatting, Python's only when given values: a
    stray ``%`` in a translation made the question-statistics page a 500 in Swedish (issue
    12). Every translation must format with its message's placeholders and keep them all,
    and a message without placeholders must hold no ``%`` at all (it would show as ``%%``
    in one place or fail in the other)."""
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    with SV_PO.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names = {name for text in ids for name in placeholder.findall(text)}
        for text in strings:
            if not names and "%" in text:
                problems.append((ids[0], text, "a % in a message without placeholders"))
                continue
            if not names:
                continue
            try:
                text % dict.fromkeys(names, 1)
            except (ValueError, TypeError, KeyError) as error:
                problems.append((ids[0], text, str(error)))
            if set(placeholder.findall(text)) - names:
                problems.append((ids[0], text, "a placeholder the message does not have"))
    assert problems == []


def test_english_dates_put_the_day_first_and_swedish_ones_stay(app):
    """English pages print en_GB dates ("30 Nov 2026", 24-hour times), never the US
    "Nov 30, 2026"; Swedish as Babel's sv. One place: lms.i18n.DateFormats."""
    from datetime import date, datetime

    from flask import render_template_string
    from flask_babel import force_locale, format_date, format_datetime

    day, moment = date(2026, 11, 30), datetime(2026, 11, 30, 15, 55)  # UTC: 16:55 in Stockholm
    with app.test_request_context():
        with force_locale("en"):
            assert format_date(day) == "30 Nov 2026"
            assert format_date(day, "long") == "30 November 2026"
            assert format_datetime(moment, "short") == "30/11/2026, 16:55"
            shown = render_template_string("{{ d|dateformat }}", d=day)
            assert shown == "30 Nov 2026"
        with force_locale("sv"):
            assert format_date(day) == "30 nov. 2026"
            assert format_date(day, "long") == "30 november 2026"
            assert format_datetime(moment, "short") == "2026-11-30 16:55"


def test_an_english_page_prints_the_day_before_the_month(client, auth, make_user):
    from lms.auth import services
    from lms.models import Role

    admin = make_user(role=Role.site_admin)
    person = make_user()
    services.set_active(person, False, actor=admin)
    auth.login(admin)
    page = client.get(f"/admin/users/{person.id}", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert re.search(r"Anonymising becomes possible on \d{1,2} [A-Z][a-z]{2} \d{4}", text), text
