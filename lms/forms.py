"""The base of every form: text is normalised before any validator sees it.

Derive forms from :class:`Form`, not from Flask-WTF's ``FlaskForm`` (a test checks). Each
text field gets a WTForms filter by its kind, ahead of its own filters:

* a single-line field (``StringField``, ``SearchField``, ``EmailField``, hidden fields):
  :func:`lms.text.one_line`: NFC, control characters and line breaks folded into a space,
  white space collapsed. A browser's text box cannot hold a line break, so one in such a
  field came from a paste or a forged request;
* a ``TextAreaField``: :func:`lms.text.multi_line` (NFC, line breaks kept);
* a ``PasswordField``: untouched, so the hashes stored so far keep matching;
* a :class:`SourceTextField` (a file's text, e.g. Markdown in the course editor): untouched
  but for line endings, since a tab or a character there is the author's and the course
  checker, not the form, judges it.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from lms.text import multi_line, one_line_or_none


class SourceTextField(TextAreaField):
    """A text area holding a file's text: kept as typed (line endings become ``\n``)."""


def _line_endings(value: str | None) -> str | None:
    return None if value is None else value.replace("\r\n", "\n").replace("\r", "\n")


def _text_filter(field_class):
    if not isinstance(field_class, type) or not issubclass(field_class, StringField):
        return None
    if issubclass(field_class, PasswordField):
        return None
    if issubclass(field_class, SourceTextField):
        return _line_endings
    if issubclass(field_class, TextAreaField):
        return multi_line
    return one_line_or_none


class Form(FlaskForm):
    """A Flask-WTF form (CSRF, translations) whose text fields arrive normalised."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            normalise = _text_filter(unbound_field.field_class)
            if normalise is not None:
                own = tuple(unbound_field.kwargs.get("filters") or ())
                options = {**options, "filters": (normalise, *own)}
            return super().bind_field(form, unbound_field, options)
