"""The sso plugin's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired

from lms.forms import Form


class LinkForm(Form):
    password = PasswordField(_l("Password of your account here"), validators=[InputRequired()])


class CentrePolicyForm(Form):
    sso_only = BooleanField(_l("Staff sign in through SSO only"))


class ConfirmForm(Form):
    """A POST button: CSRF only."""
