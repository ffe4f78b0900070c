"""The people list as CSV (for Swedish Excel) and XLSX, with the page's filters applied.

CSV: UTF-8 with a byte-order mark and ``;`` between cells, which is what Excel with Swedish
regional settings opens directly with åäö intact. Any cell beginning with ``= + - @`` (or a
tab or carriage return) would be read as a formula, so it gets a leading apostrophe. XLSX
cells are written as typed values (text stays text), and the same text cells are escaped as
well, because a spreadsheet re-saved as CSV would otherwise carry the formula along. Every
stored text is made one printable line first, so no character an old row holds can stop
an export (openpyxl refuses control characters).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from lms.labels import profession_label
from lms.plugins.reports.labels import cert_code, left_label, status_label
from lms.plugins.reports.people_list import PersonRow
from lms.text import spreadsheet_text


def neutralise(value: str) -> str:
    """Any stored text as a cell: one printable line, formulas shown, not run."""
    return spreadsheet_text(value)


def headings() -> list[str]:
    return [
        _("Name"),
        _("E-mail"),
        _("Profession"),
        _("Centre"),
        _("Course"),
        _("Course version"),
        _("Status"),
        _("Enrolled on"),
        _("Due on"),
        _("Completed on"),
        _("Certificate code"),
        _("Expires on"),
    ]


def _cells(
    row: PersonRow, centre_name: Callable[[int | None], str], course_title: Callable[[int], str]
) -> list:
    status = left_label(row, centre_name, iso=True) if row.left_on else status_label(row.status)
    if row.revoked:
        status = _("%(status)s (a certificate was revoked)", status=status)
    return [
        neutralise(row.name),
        neutralise(row.email),
        profession_label(row.profession),
        neutralise(centre_name(row.centre_id)),
        neutralise(course_title(row.course_id)),
        row.version or "",
        status,
        row.enrolled_on,
        row.due_on,
        row.completed_on,
        cert_code(row.cert_code),
        row.expires_on,
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


CSV_CHUNK = 500  # rows per piece of the streamed body


def to_csv(rows: Iterable[PersonRow], centre_name, course_title) -> Iterator[bytes]:
    """The CSV as pieces of UTF-8 (the first: byte-order mark and headings), made while
    ``rows`` are read, so memory stays flat whatever the number of rows."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headings())
    yield buffer.getvalue().encode("utf-8")
    pending = 0
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([_text(v) for v in _cells(row, centre_name, course_title)])
        pending += 1
        if pending == CSV_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


# Column widths in characters, in the order of :func:`headings`.
WIDTHS = (28, 32, 18, 28, 36, 10, 20, 14, 14, 14, 22, 14)


def to_xlsx(rows: Iterable[PersonRow], centre_name, course_title) -> Iterator[bytes]:
    """A write-only workbook: rows go to disk as they come instead of piling up in memory,
    and the finished file is sent from a temporary file in pieces (a ZIP cannot be sent
    before it is complete). The header row is frozen and carries an auto filter; columns
    have widths; dates are Excel dates (yyyy-mm-dd), not text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Training status"))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    names = headings()
    sheet.append(names)
    count = 1
    for row in rows:
        sheet.append(_cells(row, centre_name, course_title))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{count}"
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while piece := out.read(FILE_CHUNK):
            yield piece


FILE_CHUNK = 256 * 1024
