"""Compliance forms. Choices (courses, centres) are filled in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.forms import Form
from lms.labels import PROFESSION_LABELS

ANY = ""


def profession_choices(any_label) -> list[SelectChoice]:
    return [SelectChoice(ANY, any_label)] + [
        SelectChoice(p.value, label) for p, label in PROFESSION_LABELS.items()
    ]


class RequirementForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    # 0: every centre (site admins only; a centre admin's form offers their centre alone).
    centre = SelectField(_l("Centre"), coerce=int, validators=[Optional()])
    profession = SelectField(_l("Profession"), validators=[Optional()])
    unit = StringField(_l("Unit or ward"), validators=[Optional(), Length(max=120)])
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    days_to_complete = IntegerField(
        _l("Days to complete"),
        default=30,
        validators=[DataRequired(), NumberRange(min=1, max=3650)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profession.choices = profession_choices(_l("Any profession"))


class WithdrawForm(Form):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
