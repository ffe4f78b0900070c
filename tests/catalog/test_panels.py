"""Other plugins' snippets on the course and module pages (``*_page_panels``)."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from lms import events
from lms.models import Role
from tests.catalog.helpers import text

seen: list = []


@pytest.fixture
def config_overrides():
    return {"LMS_PLUGINS": ["catalog"]}


@pytest.fixture(autouse=True)
def _reset():
    seen.clear()


def course_panel(sender, payload):
    seen.append(payload)
    return Markup('<p class="test-panel">Enrol <strong>here</strong></p>')


def module_panel(sender, payload):
    seen.append(payload)
    return Markup('<form class="test-panel"><button>Mark as done</button></form>')


def empty_panel(sender, payload):
    return None


def escaped_panel(sender, payload):
    return "<b>not markup</b>"


def test_course_page_renders_panels(app, client, make_course):
    version = make_course("panelled")
    events.connect(app, events.course_page_panels, course_panel)
    events.connect(app, events.course_page_panels, empty_panel)
    page = text(client.get("/courses/panelled/"))
    assert '<div class="panel"><p class="test-panel">Enrol <strong>here</strong></p></div>' in page
    assert page.count('class="panel"') == 1
    assert seen == [
        events.CoursePage(
            user_id=None, course_id=version.course_id, version_id=version.id, course_slug="panelled"
        )
    ]


def test_module_page_renders_panels(app, client, login_as, make_course):
    version = make_course("panelled")
    events.connect(app, events.module_page_panels, module_panel)
    user = login_as(Role.learner)
    page = text(client.get("/courses/panelled/module-2/"))
    assert '<form class="test-panel"><button>Mark as done</button></form>' in page
    module = version.modules[1]
    assert seen == [
        events.ModulePage(
            user_id=user.id,
            course_id=version.course_id,
            version_id=version.id,
            module_id=module.id,
            course_slug="panelled",
            module_slug="module-2",
        )
    ]


def test_plain_strings_from_receivers_are_escaped(app, client, make_course):
    make_course("panelled")
    events.connect(app, events.course_page_panels, escaped_panel)
    page = text(client.get("/courses/panelled/"))
    assert "&lt;b&gt;not markup&lt;/b&gt;" in page
    assert "<b>not markup</b>" not in page


def test_no_panels_no_region(client, make_course):
    make_course("panelled")
    assert 'class="panels"' not in text(client.get("/courses/panelled/"))
