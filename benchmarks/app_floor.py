"""The app as bench_pages.py serves it, plus three routes that do no page work: the floor
under every page, measured in the same run as the pages.

- ``/_floor/hooks``: a text answer through every hook the app runs on a request (session,
  locale, access check, security headers), the signed-in user not loaded;
- ``/_floor/user``: the same, with the signed-in user loaded (Flask-Login, one query);
- ``/_floor/layout``: the site's layout (``base.html``: navigation, language switch, logout
  form) around one word, for the signed-in user.

A page cannot be faster than the floor it stands on, so these rows say how far a page's
ratio to pure hello can rise without changing the stack (benchmarks/README.md). Only the
benchmark serves this module; the app itself has no such routes.
"""

from flask import render_template
from flask_login import current_user
from jinja2 import ChoiceLoader, DictLoader

from lms import create_app
from lms.access import login_required, public


def add_floor(app):
    """Add the three floor routes (and their template) to ``app``; returns it."""
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "_floor.html": '{% extends "base.html" %}{% block content %}'
                    '<p class="floor">floor</p>{% endblock %}'
                }
            ),
            app.jinja_env.loader,
        ]
    )

    @public
    def floor_hooks():
        return "floor"

    @login_required
    def floor_user():
        return f"floor {current_user.id}"

    @login_required
    def floor_layout():
        return render_template("_floor.html")

    app.add_url_rule("/_floor/hooks", view_func=floor_hooks)
    app.add_url_rule("/_floor/user", view_func=floor_user)
    app.add_url_rule("/_floor/layout", view_func=floor_layout)
    return app


app = add_floor(create_app())
