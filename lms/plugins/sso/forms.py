"""The sso plugin's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired


class LinkForm(FlaskForm):
    password = PasswordField(_l("Password of your account here"), validators=[InputRequired()])


class CentrePolicyForm(FlaskForm):
    sso_only = BooleanField(_l("Staff sign in through SSO only"))


class ConfirmForm(FlaskForm):
    """A POST button: CSRF only."""
