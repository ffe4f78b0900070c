"""The records plugin's forms (all derive from lms.forms.Form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, SearchField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import Form


class AuditFilterForm(Form):
    """Sent with GET: bookmarkable, no CSRF token, stores nothing."""

    class Meta:
        csrf = False

    action = SelectField(_l("Event"), validators=[Optional()])
    q = SearchField(_l("Person (name or e-mail)"), validators=[Optional(), Length(max=200)])
    start = DateField(_l("From (date)"), validators=[Optional()])
    end = DateField(_l("To (date)"), validators=[Optional()])
    centre = SelectField(_l("Centre"), validators=[Optional()])


class SignForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])


class PackForm(Form):
    centre = SelectField(_l("Centre"), validators=[DataRequired()])
    course = SelectField(_l("Course"), validators=[Optional()])
    start = DateField(_l("Records from (date)"), validators=[Optional()])
