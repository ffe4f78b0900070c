"""Account forms. Every message is translatable; every field gets a label in the template."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from lms.auth.passwords import MAX_LENGTH, password_problem
from lms.forms import Form
from lms.labels import PROFESSION_LABELS
from lms.models import Profession


def optional_int(value):
    """Coerce a select's value, leaving the empty "choose ..." option as None."""
    if value in (None, ""):
        return None
    return int(value)


def profession_choices(prompt: bool = False) -> list[SelectChoice]:
    choices = [SelectChoice(p.value, PROFESSION_LABELS[p]) for p in Profession]
    if prompt:
        choices.insert(0, SelectChoice("", _l("Choose your profession")))
    return choices


class NewPasswordMixin:
    """Checks the new password against the policy, using the e-mail and name when known."""

    def check_new_password(self, field, email: str = "", name: str = "") -> None:
        problem = password_problem(field.data or "", email=email, name=name)
        if problem:
            raise ValidationError(problem)


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class RegisterForm(NewPasswordMixin, Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    centre = SelectField(
        _l("Centre"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose your centre."))],
    )
    profession = SelectField(
        _l("Profession"), validators=[DataRequired(message=_l("Choose your profession."))]
    )

    def validate_password(self, field):
        self.check_new_password(field, email=self.email.data or "", name=self.name.data or "")


class ProfileForm(Form):
    """What a person edits about themselves; their centre is the centre's to confirm."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    profession = SelectField(_l("Profession"), validators=[DataRequired()])


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    user_email = ""
    user_name = ""

    def validate_password(self, field):
        self.check_new_password(field, email=self.user_email, name=self.user_name)


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )


class ResetPasswordForm(NewPasswordMixin, Form):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    user_email = ""
    user_name = ""

    def validate_password(self, field):
        self.check_new_password(field, email=self.user_email, name=self.user_name)


class LanguageForm(Form):
    lang = SelectField(
        _l("Language"), choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]
    )
