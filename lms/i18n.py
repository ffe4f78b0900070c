"""Which language a request is shown in: the user's choice, then the browser's, then config."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain
from flask_login import current_user


def select_locale() -> str:
    supported = current_app.config["LMS_LOCALES"]
    if not has_request_context():  # CLI commands and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in supported:
        return chosen
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


class RequestDomain(Domain):
    """Flask-Babel's message domain with the translations looked up once per request.

    Flask-Babel finds the catalogue again on every ``gettext`` (two context look-ups and a
    locale string each time: a catalogue page made ~70 calls). This keeps the request's
    catalogue beside its locale in the request's Babel state; a ``force_locale`` block sets a
    new locale object, which no longer matches, so its strings come from its own catalogue.
    """

    def get_translations(self):
        ctx = _cv_app.get(None)
        if ctx is None:
            return super().get_translations()
        state = ctx.g.__dict__.get("_flask_babel")
        if state is not None:
            found = state.__dict__.get("lms_translations")
            if found is not None and found[0] is state.__dict__.get("babel_locale"):
                return found[1]
        translations = super().get_translations()  # sets the locale in the Babel state
        state = ctx.g.__dict__.get("_flask_babel")
        if state is not None and state.__dict__.get("babel_locale") is not None:
            state.lms_translations = (state.babel_locale, translations)
        return translations


def init_app(app: Flask, babel: Babel) -> None:
    """Use :class:`RequestDomain` for Python strings and the templates' ``_``/``gettext``.
    Call after ``babel.init_app``."""
    domain = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    babel.__dict__["domain_instance"] = domain  # Flask-Babel's cached_property
    get = domain.get_translations
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: get().ugettext(s),
        ngettext=lambda s, p, n: get().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get().upgettext(c, s),
        npgettext=lambda c, s, p, n: get().unpgettext(c, s, p, n),
    )
