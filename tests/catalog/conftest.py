"""Helpers for the catalogue tests: pages as text, roles, a course with pictures."""

from __future__ import annotations

import pytest

from tests.catalog.helpers import PNG, SVG
from tests.conftest import write_course


@pytest.fixture
def login_as(auth, make_user):
    """``login_as(None)`` stays a visitor; ``login_as(Role.educator)`` logs a new user in."""

    def login(role, **kwargs):
        if role is None:
            return None
        user = make_user(role=role, **kwargs)
        response = auth.login(user)
        assert response.status_code == 302
        return user

    return login


@pytest.fixture
def make_picture_course(app, courses_dir):
    """A one-module course whose module shows a PNG and an SVG from ``images/``."""
    from lms.content.sync import sync_courses

    def make(slug="pictures", *, png=PNG, status="published", version="1.0.0", extra=None):
        folder = write_course(
            courses_dir, slug, status=status, version=version, modules=1, quiz_modules=()
        )
        (folder / "images").mkdir()
        (folder / "images" / "photo.png").write_bytes(png)
        (folder / "images" / "diagram.svg").write_text(SVG)
        if extra:
            (folder / "images" / extra).write_bytes(png)
        module = folder / "01-module-1.md"
        pictures = "\n![A photo](images/photo.png)\n\n![A diagram](images/diagram.svg)\n"
        if extra:
            pictures += f"\n![Extra](images/{extra})\n"
        module.write_text(module.read_text() + pictures)
        results = sync_courses(folder)
        assert [r.outcome for r in results] == ["new"], [str(r) for r in results]
        return folder

    return make
