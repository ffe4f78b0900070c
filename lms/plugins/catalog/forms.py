"""The catalogue's filter form: sent with GET, so it needs no CSRF token and stores nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from lms.forms import Form
from lms.labels import PROFESSION_LABELS
from lms.models import Profession

ALL = "all"

LANGUAGE_LABELS = {"sv": _l("Swedish"), "en": _l("English")}


def language_label(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))


class CatalogueFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form: bookmarkable, changes nothing

    audience = SelectField(
        _l("Profession"),
        choices=[
            SelectChoice(ALL, _l("All professions")),
            *(SelectChoice(p.value, PROFESSION_LABELS[p]) for p in Profession),
        ],
        default=ALL,
        validators=[Optional()],
    )
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice(ALL, _l("All languages")),
            *(SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()),
        ],
        default=ALL,
        validators=[Optional()],
    )
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])

    def chosen(self, field) -> str | None:
        """The field's value for filtering: None for "all" or anything not on the list."""
        if field.errors or field.data in (None, "", ALL):
            return None
        return field.data
