"""Reading a staff file as HR systems export it: CSV (UTF-8, ``,`` or ``;``, Excel's
``sep=`` line) or XLSX (the first sheet), headings in Swedish or English in any order.

:func:`read` returns the heading row and the data rows with their line numbers in the file
(the sheet's row number for XLSX). :func:`columns` says which column holds what; every other
column is ignored and named in the preview. A column of Swedish personal identity numbers
(personnummer: by its heading, or because its cells look like one) is never read further:
the platform does not need it (GDPR art. 5(1)(c), data minimisation).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from lms.text import nfc, one_line

HEADINGS = {
    "email": "email",
    "e-mail": "email",
    "e-post": "email",
    "epost": "email",
    "e-postadress": "email",
    "email address": "email",
    "mail": "email",
    "name": "name",
    "namn": "name",
    "full name": "name",
    "fullständigt namn": "name",
    "förnamn": "first_name",
    "first name": "first_name",
    "efternamn": "last_name",
    "last name": "last_name",
    "surname": "last_name",
    "profession": "title",
    "yrke": "title",
    "befattning": "title",
    "befattningsbenämning": "title",
    "yrkestitel": "title",
    "titel": "title",
    "title": "title",
    "job title": "title",
    "enhet": "unit",
    "avdelning": "unit",
    "vårdenhet": "unit",
    "arbetsplats": "unit",
    "unit": "unit",
    "department": "unit",
    "ward": "unit",
}
IDENTITY_HEADINGS = {
    "personnummer",
    "personnr",
    "pnr",
    "person number",
    "personal identity number",
    "samordningsnummer",
    "personal number",
}
PERSONNUMMER = re.compile(r"^(\d{2})?\d{6}[-+]?\d{4}$")
# Signatures of files people upload by mistake: PDF, old Office, images.
BINARY_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")
ZIP_MAGIC = b"PK\x03\x04"
SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
MAX_COLUMNS = 60
HEADER_SEARCH = 10  # rows looked at for the header of a sheet


class Unreadable(Exception):
    """The file cannot be read at all; the message says why, in the user's language."""


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells)
    header_line: int = 1


@dataclass
class Columns:
    where: dict[str, int] = field(default_factory=dict)  # email/name/title/unit/... -> index
    ignored: list[str] = field(default_factory=list)  # headings of columns not used
    identity: list[str] = field(default_factory=list)  # personnummer columns, never read


def read(data: bytes, max_rows: int) -> Sheet:
    """Rows of a CSV or XLSX file. Raises :class:`Unreadable`."""
    if data.startswith(ZIP_MAGIC):
        return _xlsx(data, max_rows)
    if data.startswith(BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise Unreadable(
            _("This is neither a CSV nor an XLSX file. Save the sheet as XLSX or CSV (UTF-8).")
        )
    return _csv(data, max_rows)


def _too_many(max_rows: int) -> Unreadable:
    return Unreadable(
        _("The file has more than %(n)d rows; split it into smaller files.", n=max_rows)
    )


def _csv(data: bytes, max_rows: int) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(
            _("The file is not UTF-8 text. Save it as CSV (UTF-8) and try again.")
        ) from None
    if not text.strip():
        raise Unreadable(_("The file is empty."))
    text = nfc(text)
    first, _newline, rest = text.partition("\n")
    hint = SEP_LINE.match(first)
    skipped = 0
    if hint and hint.group(1) in ",;\t|":
        text, delimiter, skipped = rest, hint.group(1), 1
    else:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = skipped
    try:
        header = next(reader)
        line = reader.line_num + skipped
        rows = []
        for cells in reader:
            start, line = line + 1, reader.line_num + skipped
            if any(cell.strip() for cell in cells):
                if len(rows) >= max_rows:
                    raise _too_many(max_rows)
                rows.append((start, cells))
    except StopIteration:
        raise Unreadable(_("The file is empty.")) from None
    except csv.Error:
        message = _("unreadable CSV (a stray quote?)")
        raise Unreadable(_("line %(n)d: %(message)s", n=line + 1, message=message)) from None
    return Sheet(header, rows, header_line=skipped + 1)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def _xlsx(data: bytes, max_rows: int) -> Sheet:
    import openpyxl  # defusedxml is installed: openpyxl reads the XML through it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise Unreadable(
            _("This is neither a CSV nor an XLSX file. Save the sheet as XLSX or CSV (UTF-8).")
        ) from None
    try:
        found: list[tuple[int, list[str]]] = []
        for number, values in enumerate(
            book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1
        ):
            cells = [_cell(v) for v in values]
            if any(c.strip() for c in cells):
                if len(found) > max_rows + HEADER_SEARCH:
                    raise _too_many(max_rows)
                found.append((number, cells))
    finally:
        book.close()
    if not found:
        raise Unreadable(_("The file is empty."))
    # Sheets often start with a title row ("Personal, Hematologi"): the header is the first
    # of the first rows that names at least two known columns (else the first row).
    start = next(
        (
            i
            for i, (_n, cells) in enumerate(found[:HEADER_SEARCH])
            if sum(heading_key(c) in HEADINGS for c in cells) >= 2
        ),
        0,
    )
    (header_line, header), rows = found[start], found[start + 1 :]
    if len(rows) > max_rows:
        raise _too_many(max_rows)
    return Sheet(header, rows, header_line=header_line)


def heading_key(cell: str) -> str:
    return re.sub(r"\s+", " ", one_line(cell).lower().rstrip(":").strip())


def columns(sheet: Sheet) -> Columns:
    """Which column holds what. The first column with a known heading wins; a personnummer
    column is recognised by its heading or by its cells (most of them look like one)."""
    found = Columns()
    for index, cell in enumerate(sheet.header):
        heading = heading_key(cell)
        meaning = HEADINGS.get(heading)
        if heading in IDENTITY_HEADINGS or _holds_identity_numbers(sheet, index):
            found.identity.append(one_line(cell) or f"#{index + 1}")
        elif meaning and meaning not in found.where:
            found.where[meaning] = index
        elif heading:
            found.ignored.append(one_line(cell))
    return found


def _holds_identity_numbers(sheet: Sheet, index: int) -> bool:
    values = [cells[index].strip() for _line, cells in sheet.rows[:200] if len(cells) > index]
    values = [v.replace(" ", "") for v in values if v]
    hits = sum(1 for v in values if PERSONNUMMER.match(v))
    return bool(values) and hits * 2 > len(values)
