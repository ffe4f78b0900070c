"""Enrolment forms. Choices are filled in by the views (they depend on the admin's centre)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from lms.forms import Form
from lms.labels import PROFESSION_LABELS
from lms.membership.forms import REASON_MAX


class EnrolForm(Form):
    key = StringField(_l("Enrolment key"), validators=[Optional(), Length(max=200)])


class AssignForm(Form):
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    target = RadioField(
        _l("Assign to"),
        choices=[
            SelectChoice("person", _l("One person")),
            SelectChoice("profession", _l("Everyone with a profession")),
            SelectChoice("everyone", _l("Everyone at the centre")),
        ],
        default="person",
        validators=[DataRequired()],
    )
    person = SelectField(_l("Person"), coerce=int, validators=[Optional()])
    profession = SelectField(
        _l("Profession"),
        choices=[SelectChoice(p.value, label) for p, label in PROFESSION_LABELS.items()],
        validators=[Optional()],
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])
    new_due_date = BooleanField(_l("Record this due date also for people already assigned"))
    # No Optional(): it would stop the chain before validate_reason runs.
    reason = TextAreaField(_l("Reason for the change"), validators=[Length(max=REASON_MAX)])

    def validate_reason(self, field):
        if self.new_due_date.data and not (field.data or "").strip():
            raise ValidationError(_l("Say why: a due date already set is changed."))

    def validate_person(self, field):
        if self.target.data == "person" and not field.data:
            raise ValidationError(_l("Choose the person."))


class ImportForm(Form):
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    file = FileField(
        _l("Staff file (XLSX or CSV)"), validators=[FileRequired(_l("Choose a file."))]
    )
    assign = BooleanField(_l("Also assign the course as mandatory training"))
    due_on = DateField(_l("Due date"), validators=[Optional()])


class ConfirmImportForm(Form):
    move = BooleanField(_l("Move the people who belong to another centre to this centre"))


def _profession_choices() -> list[SelectChoice]:
    return [SelectChoice(p.value, label) for p, label in PROFESSION_LABELS.items()]


class JobTitleForm(Form):
    """Map a job title to a profession (one title of a file, or a site-wide row)."""

    title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=120)])
    profession = SelectField(
        _l("Profession"), choices=_profession_choices(), validators=[DataRequired()]
    )


class CourseKeyForm(Form):
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    key = StringField(_l("New enrolment key"), validators=[Optional(), Length(min=4, max=200)])
    clear = BooleanField(_l("Remove the key set here (the course file's key applies again)"))

    def validate_key(self, field):
        if not self.clear.data and not (field.data or "").strip():
            raise ValidationError(_l("Type the new key, or tick the box to remove it."))


class AssignmentDueForm(Form):
    due_on = DateField(_l("New due date"), validators=[Optional()])
    reason = StringField(_l("Reason for the change"), validators=[DataRequired(), Length(max=500)])


class AssignmentWithdrawForm(Form):
    # Its own id: the page also has the due-date form, whose field is "reason" too.
    reason = StringField(
        _l("Reason for withdrawing"),
        validators=[DataRequired(), Length(max=500)],
        id="withdraw-reason",
    )
