"""Which fonts print a certificate's text, and which characters no font can print.

DejaVu Sans ships with the plugin (Latin with every diacritic, Greek, Cyrillic, Arabic's
basic letters, Hebrew, Armenian, Georgian) and draws everything it can. For the rest the
PDF falls back, character by character, to Debian's Noto fonts (``fonts-noto-core``,
``fonts-noto-cjk``; the SIL Open Font Licence), looked up in ``LMS_CERT_FONT_DIRS``:
Arabic script with its proper joining forms, Ethiopic, the Indic scripts, Thai and its
neighbours, Syriac, Chinese, Japanese and Korean. Only the fonts a certificate needs are
loaded, and only the glyphs it uses are embedded.

A character that neither DejaVu nor any fallback has would print as nothing: the caller
refuses the PDF instead (:class:`MissingGlyphs`).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from fontTools.ttLib import TTFont

BUNDLED = Path(__file__).parent / "fonts"
PRIMARY = "DejaVu"
PRIMARY_FILES = {"": BUNDLED / "DejaVuSans.ttf", "B": BUNDLED / "DejaVuSans-Bold.ttf"}
DEFAULT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")

# (family, regular file, bold file or None): tried in this order for a character the
# primary font lacks. Noto Sans first (Latin, Greek and Cyrillic letters DejaVu lacks).
NOTO = (
    ("NotoSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("NotoArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoHebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("NotoSyriac", "NotoSansSyriac-Regular.ttf", None),
    ("NotoThaana", "NotoSansThaana-Regular.ttf", "NotoSansThaana-Bold.ttf"),
    ("NotoArmenian", "NotoSansArmenian-Regular.ttf", "NotoSansArmenian-Bold.ttf"),
    ("NotoGeorgian", "NotoSansGeorgian-Regular.ttf", "NotoSansGeorgian-Bold.ttf"),
    ("NotoEthiopic", "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
    ("NotoTifinagh", "NotoSansTifinagh-Regular.ttf", None),
    ("NotoDevanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("NotoBengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    ("NotoGurmukhi", "NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf"),
    ("NotoGujarati", "NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf"),
    ("NotoOriya", "NotoSansOriya-Regular.ttf", "NotoSansOriya-Bold.ttf"),
    ("NotoTamil", "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    ("NotoTelugu", "NotoSansTelugu-Regular.ttf", "NotoSansTelugu-Bold.ttf"),
    ("NotoKannada", "NotoSansKannada-Regular.ttf", "NotoSansKannada-Bold.ttf"),
    ("NotoMalayalam", "NotoSansMalayalam-Regular.ttf", "NotoSansMalayalam-Bold.ttf"),
    ("NotoSinhala", "NotoSansSinhala-Regular.ttf", "NotoSansSinhala-Bold.ttf"),
    ("NotoThai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    ("NotoLao", "NotoSansLao-Regular.ttf", "NotoSansLao-Bold.ttf"),
    ("NotoKhmer", "NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf"),
    ("NotoMyanmar", "NotoSansMyanmar-Regular.ttf", "NotoSansMyanmar-Bold.ttf"),
    ("NotoMongolian", "NotoSansMongolian-Regular.ttf", None),
    ("NotoCherokee", "NotoSansCherokee-Regular.ttf", "NotoSansCherokee-Bold.ttf"),
    ("NotoCanadian", "NotoSansCanadianAboriginal-Regular.ttf", None),
)
# Arabic letters join: a word drawn partly in DejaVu and partly in Noto would break apart,
# and Noto's forms are the better ones. When Noto Sans Arabic is there, DejaVu leaves the
# Arabic blocks to it.
ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
HANDED_OVER = {"NotoArabic": ARABIC}
# One collection holds the Japanese, Korean, simplified and traditional Chinese faces: the
# same characters, drawn as each region writes them. The face follows the name's script.
CJK = ("NotoCJK", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc")
CJK_FACE = {"ja": 0, "ko": 1, "zh": 2}


@dataclass(frozen=True)
class Face:
    """One style of one font: the file and, in a collection, the face's index."""

    family: str
    style: str  # "" or "B"
    path: Path
    index: int = 0


class MissingGlyphs(Exception):
    """No available font has these characters: the PDF would show blanks where they are."""

    def __init__(self, characters: set[str]) -> None:
        self.characters = characters
        super().__init__(code_points(characters))


def code_points(characters) -> str:
    """``U+17000 U+17001``: how the characters are named in a message and the log."""
    return " ".join(f"U+{ord(c):04X}" for c in sorted(characters))


_cmaps: dict[tuple[Path, int], frozenset[int]] = {}
_lock = threading.Lock()


def coverage(face: Face) -> frozenset[int]:
    """The code points ``face`` has glyphs for (read once per process, then kept)."""
    key = (face.path, face.index)
    with _lock:
        found = _cmaps.get(key)
    if found is None:
        font = TTFont(face.path, fontNumber=face.index, lazy=True)
        try:
            found = frozenset(font.getBestCmap() or ())
        finally:
            font.close()
        with _lock:
            _cmaps[key] = found
    return found


def font_dirs() -> list[Path]:
    configured = current_app.config.get("LMS_CERT_FONT_DIRS") if has_app_context() else None
    if configured is None:
        configured = DEFAULT_DIRS
    elif isinstance(configured, str):
        configured = [part for part in configured.split(":") if part]
    return [Path(d) for d in configured]


def _find(name: str | None) -> Path | None:
    if name is None:
        return None
    return next((d / name for d in font_dirs() if (d / name).is_file()), None)


def cjk_language(text: str) -> str:
    """``ja`` when the text has kana, ``ko`` when it has hangul, else ``zh``."""
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "ko"
    return "zh"


def fallbacks(text: str) -> list[tuple[Face, ...]]:
    """The installed fallback fonts, in order, each as its regular and bold faces."""
    found = []
    index = CJK_FACE[cjk_language(text)]
    for family, regular, bold in (*NOTO, CJK):
        face_index = index if family == CJK[0] else 0
        regular_path = _find(regular)
        if regular_path is None:
            continue
        faces = [Face(family, "", regular_path, face_index)]
        bold_path = _find(bold)
        if bold_path is not None:
            faces.append(Face(family, "B", bold_path, face_index))
        found.append(tuple(faces))
    return found


def _drawn(text: str) -> set[str]:
    """The characters that need a glyph: not white space, not an invisible format mark."""
    return {
        c
        for c in unicodedata.normalize("NFC", text)
        if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf")
    }


def _in(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


@dataclass(frozen=True)
class Plan:
    """How to print a page: the fallback faces to load (in fallback order), the characters
    the primary font may draw when it hands a script over (None: all it has), and the
    characters no font has."""

    faces: list[Face]
    primary_chars: list[int] | None
    missing: set[str]

    @property
    def families(self) -> list[str]:
        return list(dict.fromkeys(face.family for face in self.faces))


def plan(regular: str, bold: str = "") -> Plan:
    """Which fonts print ``regular`` (drawn in the regular style) and ``bold``. Only the
    faces the text needs are named: loading and subsetting a font costs time (the CJK
    collection, seconds). Each font's character map is read once per process."""
    available = fallbacks(regular + bold)
    handed = [r for faces in available for r in HANDED_OVER.get(faces[0].family, ())]
    needed: list[Face] = []
    missing: set[str] = set()
    for style, text in (("", regular), ("B", bold)):
        primary = coverage(Face(PRIMARY, style, PRIMARY_FILES[style]))
        left = {c for c in _drawn(text) if ord(c) not in primary or _in(ord(c), handed)}
        for faces in available:
            if not left:
                break
            # The family's face in this style, else its regular (fpdf2 falls back to it).
            face = next((f for f in faces if f.style == style), faces[0])
            has = {c for c in left if ord(c) in coverage(face)}
            if has:
                left -= has
                if face not in needed:
                    needed.append(face)
        missing |= left
    primary_chars = None
    if handed:
        everything = unicodedata.normalize("NFC", regular + bold)
        primary_chars = sorted({ord(c) for c in everything if not _in(ord(c), handed)} | {32})
    order = [faces[0].family for faces in available]
    needed.sort(key=lambda face: order.index(face.family))
    return Plan(needed, primary_chars, missing)


def missing(text: str) -> set[str]:
    """The characters of ``text`` that no available font can print, in either style."""
    return plan(text, text).missing


def installed() -> list[str]:
    """The fallback families found in ``LMS_CERT_FONT_DIRS`` (for ``check-deploy``)."""
    return [faces[0].family for faces in fallbacks("")]
