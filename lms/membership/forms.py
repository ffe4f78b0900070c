"""Membership forms. Every POST carries a CSRF token; reasons are one paragraph of text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import Form

REASON_MAX = 500


def optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: "Not a valid choice." from the field, never a 500


class AskForm(Form):
    centre = SelectField(
        _l("Centre"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose the centre."))],
    )


class ConfirmForm(Form):
    """Confirming a request: the person asked, so the reason is optional."""

    reason = TextAreaField(
        _l("Note for the record (optional)"), validators=[Optional(), Length(max=REASON_MAX)]
    )


class ReasonForm(Form):
    """Declining a request or removing a member: acting on someone's record needs a reason."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why.")), Length(max=REASON_MAX)],
    )


class DomainForm(Form):
    domain = StringField(
        _l("E-mail domain"),
        validators=[DataRequired(message=_l("Type the domain.")), Length(max=253)],
    )


class ButtonForm(Form):
    """A POST button: CSRF only."""


class PersonDetailsForm(Form):
    """A member's profession and unit, set by their centre; a reason for the record."""

    profession = SelectField(_l("Profession"), validators=[DataRequired()])
    unit = StringField(_l("Unit or ward"), validators=[Optional(), Length(max=120)])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why.")), Length(max=REASON_MAX)],
    )
