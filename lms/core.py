"""Core pages that belong to no plugin: home, language, accessibility, errors (the health
check is :mod:`lms.health`, in front of Flask)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from lms.access import public
from lms.auth import services as auth_services
from lms.auth.forms import LanguageForm
from lms.auth.redirects import safe_next
from lms.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    # The catalogue is the home page when its plugin is on; the core never imports it.
    catalogue = current_app.view_functions.get("catalog.index")
    if catalogue is not None:
        return catalogue()
    return render_template("core/home.html")


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            auth_services.set_locale(current_user._get_current_object(), form.lang.data)
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("core/accessibility.html")


def _error(status: int, template: str = "errors/error.html"):
    def handler(error):
        db.session.rollback()
        description = getattr(error, "description", None) if status != 500 else None
        return render_template(template, status=status, description=description), status

    return handler


def csrf_error(error: CSRFError):
    current_app.logger.warning("CSRF refused: %s", error.description)
    return render_template("errors/error.html", status=400, csrf=True), 400


def register_error_handlers(app) -> None:
    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, _error(status))
    app.register_error_handler(CSRFError, csrf_error)
