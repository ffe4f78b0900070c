"""Text and values at the edges (issue 12, §4): equal-looking text is equal, a name is one
line of printable text, and no parameter or body the route does not expect is a 500."""

from __future__ import annotations

import io
import unicodedata

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

from lms.extensions import db
from lms.forms import Form
from lms.models import Role, User
from tests.test_auth import register_data

NFC = "Åsa Öhrström"
NFD = unicodedata.normalize("NFD", NFC)


def test_the_two_spellings_differ():
    assert NFC != NFD
    assert len(NFD) == len(NFC) + 3


def test_a_name_typed_decomposed_is_stored_composed_and_found_either_way(
    client, auth, make_user, centres
):
    data = register_data(centres, name=NFD, email="asa@example.com")
    assert client.post("/auth/register", data=data).status_code == 302
    stored = db.session.scalar(select(User).where(User.email == "asa@example.com"))
    assert stored.name == NFC
    auth.logout()
    auth.login(make_user(role=Role.site_admin))
    for term in ("Åsa", unicodedata.normalize("NFD", "Åsa"), "öhrSTRÖM"):
        page = client.get("/admin/users", query_string={"q": term}).get_data(as_text=True)
        assert "asa@example.com" in page, term


def test_stored_decomposed_names_are_found_by_a_composed_search(client, auth, make_user):
    """Rows written before the fix (or by any path around the forms)."""
    make_user(name=NFD, email="asa@example.com")
    auth.login(make_user(role=Role.site_admin))
    page = client.get("/admin/users", query_string={"q": "Åsa"}).get_data(as_text=True)
    assert "asa@example.com" in page


def test_catalogue_finds_a_decomposed_title_with_a_composed_search(client, make_course):
    make_course("forvaring", title=unicodedata.normalize("NFD", "Säker förvaring av celler"))
    for term in ("förvaring", unicodedata.normalize("NFD", "förvaring")):
        page = client.get("/courses/", query_string={"q": term}).get_data(as_text=True)
        assert 'href="/courses/forvaring/"' in page, term


def test_a_line_break_or_control_character_in_a_name_becomes_a_space(client, auth, make_user):
    user = make_user(name="Lena Lind")
    auth.login(user)
    page = client.get("/auth/profile").get_data(as_text=True)
    assert "Lena Lind" in page
    response = client.post(
        "/auth/profile",
        data={
            "name": "Lena\x0bLind\r\nAndersson\u200e",
            "centre": str(user.centre_id),
            "profession": user.profession.value,
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Lena Lind Andersson"


@pytest.mark.parametrize("path", ["/admin/users", "/centre/people"])
@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "x", "1e9", "９"])
def test_a_page_number_the_route_cannot_use_is_a_client_error(client, auth, make_user, path, page):
    auth.login(make_user(role=Role.site_admin))
    response = client.get(path, query_string={"page": page})
    assert response.status_code in (400, 404), response.status_code
    assert "Internal" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/users", "/centre/people"])
def test_a_page_past_the_last_shows_the_last(client, auth, make_user, path):
    """A bookmarked page of a list that got shorter: the last page, not an error."""
    auth.login(make_user(role=Role.site_admin))
    assert client.get(path, query_string={"page": "1"}).status_code == 200
    page = client.get(path, query_string={"page": "500"})
    assert page.status_code == 200
    assert "Page 500" not in page.get_data(as_text=True)


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "\x0b" * 3])
def test_characters_no_database_can_store_are_no_500_in_searches(client, auth, make_user, value):
    auth.login(make_user(role=Role.site_admin))
    for path in ("/admin/users", "/courses/", "/centre/people"):
        response = client.get(path, query_string={"q": value, "course": value})
        assert response.status_code in (200, 400, 404), (path, response.status_code)


def test_a_body_larger_than_allowed_is_refused_before_it_is_read(app, client):
    read = []

    class Body(io.BytesIO):
        """Claims 50 MB; records every read the app makes of it."""

        def read(self, size=-1):
            read.append(size)
            return super().read(size)

        readline = read

    size = 50 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] < size
    response = client.post(
        "/auth/login",
        input_stream=Body(b"email=a%40example.com&password=x"),
        environ_overrides={"CONTENT_LENGTH": str(size)},
        content_type="application/x-www-form-urlencoded",
        csrf=False,
    )
    assert response.status_code == 413
    assert sum(read) == 0


def test_the_limit_is_configurable_and_allows_imports(app):
    from config import Config

    assert Config.MAX_CONTENT_LENGTH == 16 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] > app.config.get("LMS_CSV_MAX_BYTES", 1024 * 1024)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_normalises_its_text(app):
    forms = [c for c in _subclasses(FlaskForm) if c.__module__.startswith("lms.")]
    assert len(forms) > 10
    plain = [f"{c.__module__}.{c.__name__}" for c in forms if not issubclass(c, Form)]
    assert plain == [], "derive forms from lms.forms.Form"
