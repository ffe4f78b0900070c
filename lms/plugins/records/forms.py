"""The records plugin's forms (all derive from lms.forms.Form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, PasswordField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import Form
from lms.membership.forms import REASON_MAX


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


class ExternalTrainingForm(Form):
    person = SelectField(_l("Person"), coerce=int, validators=[DataRequired()])
    course = SelectField(_l("Counts as the course"), validators=[Optional()])
    title = StringField(_l("Or: what the training was"), validators=[Optional(), Length(max=300)])
    provider = StringField(_l("Given by"), validators=[Optional(), Length(max=300)])
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    evidence = FileField(
        _l("Evidence (PDF, PNG or JPEG)"),
        validators=[FileRequired(_l("Choose the evidence file."))],
    )
    reason = TextAreaField(
        _l("Why you record it"), validators=[DataRequired(), Length(max=REASON_MAX)]
    )
