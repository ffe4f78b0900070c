"""Drafts: educators and admins see and preview them, learners and visitors never do."""

from __future__ import annotations

import pytest

from lms.content.models import Course
from lms.extensions import db
from lms.models import Role
from tests.catalog.helpers import EVERYONE, STAFF, role_id, text

LEARNERS = (None, Role.learner)


@pytest.fixture
def courses(make_course):
    make_course("stable", title="Stable Course")
    make_course("unpublished", title="Unpublished Course", status="draft")
    make_course("evolving", title="Evolving Old", version="1.0.0")
    make_course("evolving", title="Evolving New", version="1.1.0", status="draft", modules=3)
    evolving = db.session.scalar(db.select(Course).where(Course.slug == "evolving"))
    assert evolving.published_version.title == "Evolving Old"
    assert evolving.latest_version.title == "Evolving New"


@pytest.mark.parametrize("role", LEARNERS, ids=role_id)
def test_list_hides_drafts_from_learners_and_visitors(client, login_as, courses, role):
    login_as(role)
    page = text(client.get("/courses/?audience=all"))
    assert "Stable Course" in page
    assert "Evolving Old" in page
    assert "Unpublished Course" not in page
    assert "Evolving New" not in page
    assert "Draft" not in page
    assert "preview=draft" not in page


@pytest.mark.parametrize("role", STAFF, ids=role_id)
def test_list_shows_drafts_to_staff_with_a_badge(client, login_as, courses, role):
    login_as(role)
    page = text(client.get("/courses/?audience=all"))
    card = page[page.index("Unpublished Course") :].split("</li>")[0]
    assert '<span class="badge draft">Draft</span>' in card
    evolving = page[page.index("Evolving Old") :].split("</li>")[0]
    assert 'href="/courses/evolving/?preview=draft">Preview draft version 1.1.0</a>' in evolving
    stable = page[page.index("Stable Course") :].split("</li>")[0]
    assert "Draft" not in stable


@pytest.mark.parametrize("role", LEARNERS, ids=role_id)
def test_draft_pages_are_404_for_learners_and_visitors(client, login_as, courses, role):
    login_as(role)
    assert client.get("/courses/unpublished/").status_code == 404
    module = client.get("/courses/unpublished/module-1/")
    if role is None:
        assert module.status_code == 302  # log in first; still nothing to see afterwards
    else:
        assert module.status_code == 404


@pytest.mark.parametrize("role", STAFF, ids=role_id)
def test_staff_read_a_draft_course(client, login_as, courses, role):
    login_as(role)
    page = text(client.get("/courses/unpublished/"))
    assert "<h1>Unpublished Course</h1>" in page
    assert '<span class="badge draft">Draft</span>' in page
    assert "This course is a draft: only educators and admins see it." in page
    module = client.get("/courses/unpublished/module-1/")
    assert module.status_code == 200
    assert '<span class="badge draft">Draft</span>' in text(module)


@pytest.mark.parametrize("role", EVERYONE, ids=role_id)
def test_published_version_without_preview(client, login_as, courses, role):
    login_as(role)
    page = text(client.get("/courses/evolving/"))
    assert "<h1>Evolving Old</h1>" in page
    assert "Draft" not in page
    assert "module-3" not in page
    offer = 'href="/courses/evolving/?preview=draft">Preview draft version 1.1.0</a>'
    assert (offer in page) == (role in STAFF)


@pytest.mark.parametrize("role", STAFF, ids=role_id)
def test_staff_preview_the_newer_draft(client, login_as, courses, role):
    login_as(role)
    page = text(client.get("/courses/evolving/?preview=draft"))
    assert "<h1>Evolving New</h1>" in page
    assert "You are previewing draft version 1.1.0. Learners see version 1.0.0." in page
    assert "<dt>Version</dt><dd>1.1.0</dd>" in page
    # Links keep the preview, so the draft's new module is reachable.
    assert 'href="/courses/evolving/module-3/?preview=draft"' in page
    module = client.get("/courses/evolving/module-3/?preview=draft")
    assert module.status_code == 200
    assert 'href="/courses/evolving/module-2/?preview=draft"' in text(module)
    assert client.get("/courses/evolving/module-3/").status_code == 404


@pytest.mark.parametrize("role", LEARNERS, ids=role_id)
def test_preview_is_ignored_for_learners_and_visitors(client, login_as, courses, role):
    login_as(role)
    page = text(client.get("/courses/evolving/?preview=draft"))
    assert "<h1>Evolving Old</h1>" in page
    assert "Evolving New" not in page
    assert client.get("/courses/unpublished/?preview=draft").status_code == 404


def test_learner_cannot_reach_a_draft_only_module_with_preview(client, login_as, courses):
    login_as(Role.learner)
    assert client.get("/courses/evolving/module-3/?preview=draft").status_code == 404
