"""The report filters: sent with GET, so they are bookmarkable, need no CSRF token and
store nothing. The choices come from what the viewer may see, so a value outside them is
an error shown next to the field, never a way into another centre."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from lms.forms import Form
from lms.labels import PROFESSION_LABELS
from lms.models import Profession
from lms.plugins.reports.labels import STATUS_LABELS

ALL = ""


class ReportFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=200)])
    centre = SelectField(_l("Centre"), validators=[Optional()])
    course = SelectField(_l("Course"), validators=[Optional()])
    profession = SelectField(
        _l("Profession"),
        choices=[
            SelectChoice(ALL, _l("All professions")),
            *(SelectChoice(p.value, PROFESSION_LABELS[p]) for p in Profession),
        ],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(ALL, _l("All statuses")),
            *(SelectChoice(key, label) for key, label in STATUS_LABELS.items()),
        ],
        validators=[Optional()],
    )

    def set_choices(self, centres, courses) -> None:
        if "centre" in self:
            self.centre.choices = [
                SelectChoice(ALL, _l("All centres")),
                *(SelectChoice(c.slug, c.name) for c in centres),
            ]
        self.course.choices = [
            SelectChoice(ALL, _l("All courses")),
            *(SelectChoice(c.slug, c.title) for c in courses),
        ]

    def chosen(self, name: str) -> str | None:
        """The field's value for filtering: None for "all" and for anything invalid."""
        f = self[name]
        if f.errors or f.data in (None, ALL):
            return None
        return f.data
