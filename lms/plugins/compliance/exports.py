"""The training matrix as CSV (Swedish Excel: UTF-8 BOM, ``;``) and XLSX (frozen header
row and name column, filters on the header, column widths). Text cells are made one
printable line with formulas neutralised (:func:`lms.text.spreadsheet_text`)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from lms.labels import profession_label
from lms.plugins.compliance.matrix import Cell, Matrix
from lms.text import spreadsheet_text


def status_labels() -> dict[str, str]:
    return {
        "valid": _("Valid"),
        "expiring": _("Expiring"),
        "due": _("Due"),
        "overdue": _("Overdue"),
        "expired": _("Expired"),
        "missing": _("Not assigned yet"),
        "not_required": _("Not required"),
    }


def shown_labels() -> dict[str, Markup]:
    """The labels as a page shows them: the ones asking for action in bold."""
    return {
        key: Markup("<strong>%s</strong>") % label
        if key in ("overdue", "expired", "missing")
        else Markup("%s") % label
        for key, label in status_labels().items()
    }


def cell_text(cell: Cell, labels: dict[str, str], dates: dict) -> str:
    """A cell in words, e.g. "Valid until 12 March 2027", "Overdue 1 May 2026", "Valid
    (external) until 1 May 2027" for training done elsewhere."""
    label = labels[cell.status]
    if cell.external:
        label = _("%(status)s (external)", status=label)
    if cell.on is None:
        return label
    if cell.status in ("valid", "expiring"):
        return _("%(status)s until %(date)s", status=label, date=dates[cell.on])
    return _("%(status)s %(date)s", status=label, date=dates[cell.on])


def rows(m: Matrix) -> list[list[str]]:
    labels = status_labels()
    dates = m.dates(date.isoformat)  # exports keep ISO 8601 in every language
    header = [_("Name"), _("E-mail"), _("Profession"), _("Unit or ward")]
    header += [c.title for c in m.columns]
    found = [[spreadsheet_text(h) for h in header]]
    for person in m.people:
        line = [
            spreadsheet_text(person.name),
            spreadsheet_text(person.email),
            profession_label(person.profession),
            spreadsheet_text(person.unit or ""),
        ]
        line += [cell_text(m.cell(person.id, c.course_id), labels, dates) for c in m.columns]
        found.append(line)
    return found


def to_csv(m: Matrix) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows(m))
    return buffer.getvalue().encode("utf-8")


def to_xlsx(m: Matrix) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Training matrix")[:31]
    table = rows(m)
    for line in table:
        sheet.append(line)
    sheet.freeze_panes = "B2"
    width = len(table[0])
    sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{len(table)}"
    for index in range(1, width + 1):
        longest = max(len(str(line[index - 1])) for line in table[:200])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 50)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
