"""Quiz forms: starting an attempt (a button: CSRF only) and granting extra attempts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from lms.forms import Form
from lms.plugins.quizzes.grants import MAX_EXTRA


class ButtonForm(Form):
    """A POST button: CSRF only."""


class GrantForm(Form):
    extra = IntegerField(
        _l("Extra attempts"),
        default=1,
        validators=[
            DataRequired(message=_l("Give a number of attempts.")),
            NumberRange(min=1, max=MAX_EXTRA, message=_l("Give 1 to %(max)d attempts.")),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why, for the audit trail.")),
            Length(max=500),
        ],
    )
