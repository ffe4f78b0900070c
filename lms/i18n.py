"""Which language a request is shown in: the user's choice, then the browser's, then config;
and how dates look in it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

# Dates and times in a language follow this region's conventions: English pages print
# "30 Nov 2026" and "16:55" (en_GB: day before month, 24 hours), never the US "Nov 30, 2026".
# Swedish keeps Babel's own patterns ("30 nov. 2026", "2026-11-30").
DATE_CONVENTIONS = {"en": "en_GB"}


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


class DateFormats(Mapping):
    """Flask-Babel's ``date_formats`` (``"date.medium"`` -> pattern or None), answered for
    the locale being formatted: where :data:`DATE_CONVENTIONS` names a region for the
    language, that region's pattern (e.g. en_GB's ``d MMM y``), otherwise the given default
    (None: the language's own). Every ``format_date``/``format_datetime``/``format_time`` and
    the templates' ``dateformat``/``datetimeformat`` filters go through it."""

    def __init__(self, defaults: Mapping[str, str | None]):
        self.defaults = dict(defaults)

    def __getitem__(self, key: str) -> str | None:
        value = self.defaults[key]
        if value is not None or "." not in key:
            return value
        locale = get_locale()
        region = DATE_CONVENTIONS.get(locale.language) if locale is not None else None
        if region is None:
            return None
        return _pattern(region, *key.split("."))

    def __iter__(self) -> Iterator[str]:
        return iter(self.defaults)

    def __len__(self) -> int:
        return len(self.defaults)


def _pattern(region: str, kind: str, length: str) -> str:
    """The CLDR pattern of ``region`` for ``kind`` (date, time, datetime) and ``length``."""
    data = Locale.parse(region)
    if kind == "date":
        return data.date_formats[length].pattern
    if kind == "time":
        return data.time_formats[length].pattern
    combined = str(data.datetime_formats[length])
    return combined.replace("{1}", data.date_formats[length].pattern).replace(
        "{0}", data.time_formats[length].pattern
    )


def init_app(app: Flask, babel: Babel) -> None:
    """Use :class:`RequestDomain` for Python strings and the templates' ``_``/``gettext``,
    and :class:`DateFormats` for dates. Call after ``babel.init_app``."""
    if not isinstance(babel.date_formats, DateFormats):
        babel.date_formats = DateFormats(babel.date_formats or babel.default_date_formats)
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
