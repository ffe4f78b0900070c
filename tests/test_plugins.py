"""The plugin registry: built-in by config, third-party by entry point, and switched off."""

from __future__ import annotations

import sys
import textwrap

import pytest

from lms import create_app, events
from lms.plugins import PluginError

PLUGIN_SOURCE = """
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from lms import events
from lms.access import public
from lms.plugins import NavEntry, Plugin

bp = Blueprint("hello_centre", __name__)
received = []


@bp.route("/")
@public
def index():
    return "hello from a centre plugin"


def on_course_completed(sender, payload):
    received.append(payload)


def blockers(sender, payload):
    return ["hello_centre says no"]


def init_app(app):
    events.connect(app, events.course_completed, on_course_completed)
    events.connect(app, events.completion_blockers, blockers)


plugin = Plugin(
    name="hello_centre",
    blueprint=bp,
    url_prefix="/hello",
    nav=lambda user: [NavEntry(_l("Hello"), "hello_centre.index", order=90)],
    init_app=init_app,
)
"""


@pytest.fixture
def entry_point_plugin(tmp_path, monkeypatch):
    """An installed distribution declaring ``hello_centre`` in the ``lms.plugins`` group."""
    (tmp_path / "hello_centre_plugin.py").write_text(PLUGIN_SOURCE)
    dist = tmp_path / "hello_centre_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hello-centre-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        textwrap.dedent(
            """
            [lms.plugins]
            hello_centre = hello_centre_plugin:plugin
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("hello_centre_plugin", None)


def _app(tmp_path, **overrides):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plugins.sqlite'}",
            "LMS_ENTRY_POINT_PLUGINS": True,
            **overrides,
        }
    )


def test_entry_point_plugin_is_loaded(entry_point_plugin, tmp_path):
    app = _app(tmp_path)
    assert "hello_centre" in app.extensions["lms.plugins"]
    client = app.test_client()
    assert client.get("/hello/").get_data(as_text=True) == "hello from a centre plugin"
    page = client.get("/accessibility", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/hello/"' in page  # its nav entry


def test_entry_point_plugin_receives_signals_for_its_app_only(entry_point_plugin, tmp_path):
    import datetime

    # Only the entry-point plugin: the payload names no real rows, and this app has no tables
    # for built-in receivers (certificates issues on course_completed) to write to.
    app = _app(tmp_path, LMS_PLUGINS=[])
    other = _app(tmp_path, LMS_PLUGINS=[], LMS_DISABLED_PLUGINS=["hello_centre"])
    import hello_centre_plugin

    payload = events.CourseCompleted(1, 2, 3, 4, 5, datetime.datetime(2026, 1, 1))
    with other.app_context():
        events.emit(events.course_completed, payload)
    assert hello_centre_plugin.received == []
    with app.app_context():
        events.emit(events.course_completed, payload)
        query = events.CompletionQuery(user_id=1, course_id=2, version_id=3, enrolment_id=4)
        assert events.emit(events.completion_blockers, query) == [["hello_centre says no"]]
    assert hello_centre_plugin.received == [payload]


def test_disabled_plugin_is_gone_and_the_rest_works(entry_point_plugin, tmp_path):
    app = _app(tmp_path, LMS_DISABLED_PLUGINS=["hello_centre"])
    client = app.test_client()
    assert "hello_centre" not in app.extensions["lms.plugins"]
    assert client.get("/hello/").status_code == 404
    assert client.get("/auth/login").status_code == 200
    assert 'href="/hello/"' not in client.get("/accessibility").get_data(as_text=True)


def test_unknown_builtin_plugin_is_an_error(tmp_path):
    with pytest.raises(PluginError, match="not found"):
        _app(tmp_path, LMS_PLUGINS=["no_such_plugin"])


def test_payloads_are_frozen():
    import dataclasses
    import datetime

    payload = events.CourseCompleted(1, 2, 3, 4, 5, datetime.datetime(2026, 1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        payload.user_id = 9  # type: ignore[misc]
