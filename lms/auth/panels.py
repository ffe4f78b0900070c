"""What accounts add to other pages through signals: the data download on /me/."""

from __future__ import annotations

from flask import Flask, render_template
from markupsafe import Markup

from lms import events


def my_data_panel(sender, payload: events.Dashboard) -> Markup:
    return Markup(render_template("auth/my_data_panel.html"))


def init_app(app: Flask) -> None:
    events.connect(app, events.dashboard_panels, my_data_panel)
