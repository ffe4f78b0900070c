"""The revocation form: a site admin must say why, for the audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from lms.forms import Form


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Reason for revoking"),
        filters=[_strip],
        validators=[DataRequired(), Length(min=5, max=1000)],
    )
