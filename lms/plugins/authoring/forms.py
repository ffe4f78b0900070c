"""Authoring forms. Every file change carries the revision it was opened at."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.content.frontmatter import AUDIENCES
from lms.forms import Form, SourceTextField
from lms.labels import PROFESSION_LABELS
from lms.models import Profession
from lms.plugins.authoring.publishing import KINDS, MAX_NOTE

LANGUAGE_CHOICES = [SelectChoice("en", _l("English")), SelectChoice("sv", _l("Swedish"))]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewCourseForm(Form):
    slug = StringField(
        _l("Address"), validators=[DataRequired(), Length(max=100)], filters=[_strip]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(
        _l("Summary"), validators=[DataRequired(), Length(max=1000)], render_kw={"rows": 3}
    )
    language = SelectField(_l("Language of the course"), choices=LANGUAGE_CHOICES)
    audiences = CheckboxesField(
        _l("For"),
        choices=[SelectChoice(a, PROFESSION_LABELS[Profession(a)]) for a in AUDIENCES],
        validators=[DataRequired(_l("Choose at least one profession."))],
    )
    estimated_minutes = IntegerField(
        _l("Estimated time in minutes"), default=30, validators=[InputRequired(), NumberRange(1)]
    )


class TextFileForm(Form):
    text = SourceTextField(_l("Text (Markdown)"), render_kw={"rows": 24, "spellcheck": "true"})
    revision = HiddenField()


class NewFileForm(Form):
    name = StringField(_l("File name"), validators=[DataRequired(), Length(max=200)])
    text = SourceTextField(_l("Text (Markdown)"), render_kw={"rows": 20, "spellcheck": "true"})


class RenameForm(Form):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=200)])
    revision = HiddenField()


class DeleteForm(Form):
    revision = HiddenField()


class PictureForm(Form):
    file = FileField(_l("Picture"), validators=[FileRequired(_l("Choose a picture."))])
    name = StringField(
        _l("Name in the course (optional)"), validators=[Optional(), Length(max=200)]
    )


class ZipForm(Form):
    file = FileField(_l("ZIP file"), validators=[FileRequired(_l("Choose a ZIP file."))])
    replace = BooleanField(
        _l("Replace every file of the draft with the files of the ZIP"),
        validators=[DataRequired(_l("Tick the box: the ZIP replaces the whole draft."))],
    )


class PublishForm(Form):
    kind = RadioField(
        _l("What kind of change is it?"),
        choices=[SelectChoice(value, label) for value, label in KINDS.items()],
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("What changed"), validators=[Length(max=MAX_NOTE)], render_kw={"rows": 4}
    )
    revision = HiddenField()


class OwnerForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class ConfirmForm(Form):
    """A POST button: CSRF only."""


class PreviewQuizForm(Form):
    """The previewed quiz's answers are read from the request; the form carries CSRF only."""
