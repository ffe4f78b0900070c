"""Text as people type it, made equal where it looks equal.

The same name arrives composed (``å`` as one code point, NFC: Windows, most keyboards) or
decomposed (``a`` + combining ring, NFD: macOS file names and some keyboards), and pasted
cells bring invisible characters along (Excel's ``\\x0b`` for a line break inside a cell,
bidi marks from mail clients). Everything that comes in at an edge (forms, CSV files,
query parameters) goes through these functions, so text that looks equal is equal when it
is stored, searched and compared. Unicode Standard Annex #15 defines the normal forms.
"""

from __future__ import annotations

import re
import unicodedata

# Kept although they are format characters: they change how Persian, Kurdish and Indic
# names are written (ZWNJ, ZWJ).
_JOINERS = {"\u200c", "\u200d"}
_SPACES = re.compile(r"\s+")
# Line and paragraph breaks: LF, CR, VT (Excel's line break in a cell), FF, the
# information separators, NEL and Unicode's own line and paragraph separators.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def nfc(value: str) -> str:
    """``value`` in Unicode Normalization Form C (composed)."""
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """``value`` for searching (str -> str): case folded, diacritics taken off (NFKD, then
    every combining mark dropped: "Förvaring Åre café" -> "forvaring are cafe"), composed
    again (NFC). Letters without a decomposition stay as they are (ø, ß -> ss, æ)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _is_invisible(char: str) -> bool:
    """Control, format, surrogate and non-characters: nothing a person means to type."""
    if char in _JOINERS:
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs"):
        return True
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def printable(value: str, *, keep_newlines: bool = False) -> str:
    """NFC text without control or format characters: a line break or other control
    character becomes a space, a format character (a bidi mark, a soft hyphen) goes. With
    ``keep_newlines`` (a text area) line breaks become ``\\n`` and tabs stay. Letters,
    digits, punctuation and symbols of every script pass unchanged."""
    text = nfc(value)
    if keep_newlines:
        text = text.replace("\r\n", "\n")
    out = []
    for char in text:
        if keep_newlines and char == "\t":
            out.append(char)
        elif char in _BREAKS:
            out.append("\n" if keep_newlines else " ")
        elif _is_invisible(char):
            out.append(" " if unicodedata.category(char) == "Cc" else "")
        else:
            out.append(char)
    return "".join(out)


def one_line(value: str | None) -> str:
    """One line of printable text: NFC, every control character and line break folded into a
    space, runs of white space made one space, no space at either end. For names, search
    terms, keys and every other single-line field. ``None`` gives ``""``."""
    if not value:
        return ""
    return _SPACES.sub(" ", printable(value)).strip()


def one_line_or_none(value: str | None) -> str | None:
    """:func:`one_line` for a WTForms filter: keeps ``None`` (no value sent) as ``None``."""
    return None if value is None else one_line(value)


def multi_line(value: str | None) -> str | None:
    """Text of a text area: NFC, line breaks as ``\\n``, other controls as spaces."""
    return None if value is None else printable(value, keep_newlines=True)


# A spreadsheet runs a cell that begins with one of these as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """A stored text made safe for a CSV or XLSX cell, whatever an old row holds
    (``\\x0b`` from a pasted cell, which openpyxl refuses; a NUL; a lone surrogate, which
    UTF-8 cannot encode): one line of printable text, and a leading ``= + - @`` prefixed
    with ``'`` so the spreadsheet shows it instead of running it."""
    text = one_line(value)
    return "'" + text if text.startswith(FORMULA_START) else text
