"""Course pictures: served from the database with safe, cacheable headers."""

from __future__ import annotations

import hashlib

import pytest

from lms.models import Role
from tests.catalog.helpers import PNG, STAFF, SVG, role_id, text

PHOTO = "/courses/pictures/assets/images/photo.png"
DIAGRAM = "/courses/pictures/assets/images/diagram.svg"
NEW_PNG = PNG + b"new"


def test_png_with_its_headers(client, make_picture_course):
    make_picture_course()
    response = client.get(PHOTO)
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["ETag"] == f'"{hashlib.sha256(PNG).hexdigest()}"'
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_svg_gets_a_sandboxing_csp(client, make_picture_course):
    make_picture_course()
    response = client.get(DIAGRAM)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True) == SVG
    assert (
        response.headers["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )


def test_png_keeps_the_site_csp(client, make_picture_course):
    make_picture_course()
    assert "sandbox" not in client.get(PHOTO).headers["Content-Security-Policy"]


def test_etag_answers_304(client, make_picture_course):
    make_picture_course()
    etag = client.get(PHOTO).headers["ETag"]
    again = client.get(PHOTO, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_logged_in_users_get_the_same_public_caching(client, login_as, make_picture_course):
    make_picture_course()
    login_as(Role.learner)
    response = client.get(PHOTO)
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    # Pages of a logged-in user stay private.
    assert client.get("/courses/pictures/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "/courses/pictures/assets/images/missing.png",
        "/courses/pictures/assets/01-module-1.md",
        "/courses/pictures/assets/../course.md",
        "/courses/nowhere/assets/images/photo.png",
    ],
)
def test_unknown_paths_are_404(client, make_picture_course, url):
    make_picture_course()
    assert client.get(url).status_code == 404


def test_module_page_points_at_the_assets(client, login_as, make_picture_course):
    make_picture_course()
    login_as(Role.learner)
    page = text(client.get("/courses/pictures/module-1/"))
    assert f'src="{PHOTO}"' in page
    assert f'src="{DIAGRAM}"' in page


@pytest.mark.parametrize("role", [None, Role.learner], ids=role_id)
def test_draft_pictures_are_hidden_from_learners(client, login_as, make_picture_course, role):
    make_picture_course(status="draft")
    login_as(role)
    assert client.get(PHOTO).status_code == 404


@pytest.mark.parametrize("role", STAFF, ids=role_id)
def test_staff_get_draft_pictures_uncached(client, login_as, make_picture_course, role):
    make_picture_course(status="draft")
    login_as(role)
    response = client.get(PHOTO)
    assert response.status_code == 200
    assert response.data == PNG
    assert "public" not in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]


@pytest.fixture
def evolving(make_picture_course):
    make_picture_course(version="1.0.0")
    make_picture_course(version="1.1.0", status="draft", png=NEW_PNG, extra="new.png")


@pytest.mark.parametrize("role", [None, Role.learner], ids=role_id)
def test_learners_get_the_published_picture_even_when_asking_for_a_preview(
    client, login_as, evolving, role
):
    login_as(role)
    assert client.get(PHOTO).data == PNG
    assert client.get(PHOTO + "?preview=draft").data == PNG
    assert client.get("/courses/pictures/assets/images/new.png").status_code == 404


@pytest.mark.parametrize("role", STAFF, ids=role_id)
def test_staff_preview_gets_the_draft_picture(client, login_as, evolving, role):
    login_as(role)
    assert client.get(PHOTO).data == PNG
    preview = client.get(PHOTO + "?preview=draft")
    assert preview.data == NEW_PNG
    assert "no-store" in preview.headers["Cache-Control"]
    # A picture only the draft has is found without asking for the preview too.
    assert client.get("/courses/pictures/assets/images/new.png").data == NEW_PNG
    page = text(client.get("/courses/pictures/module-1/?preview=draft"))
    assert f'src="{PHOTO}?preview=draft"' in page
    assert 'src="/courses/pictures/assets/images/new.png?preview=draft"' in page
