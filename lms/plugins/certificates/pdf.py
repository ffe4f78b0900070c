"""The certificate as an A4 landscape PDF, drawn with fpdf2 (no browser involved).

Every character is printed or the PDF is refused: DejaVu Sans (bundled) draws what it
can and Debian's Noto fonts the rest (see :mod:`.fonts`); text is shaped with HarfBuzz
(uharfbuzz), so Arabic letters join and right-to-left names read right to left. A name
with a character no font has raises :class:`~.fonts.MissingGlyphs` rather than printing a
blank.

The layout is a frame with a fixed head (brand, title) and foot (facts, QR code, the
verification address). Between them the name and the course title flow: each keeps its
size when it fits on a line, shrinks a little, then wraps (up to four lines), never below
a readable size; the block is centred in the space left. The headings and dates are in the
language of the page the PDF was asked from, the course title in that language where the
course has it (the title stored at issue otherwise); the name and the facts never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import segno
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from lms.labels import profession_label
from lms.plugins.certificates import codes, fonts
from lms.plugins.certificates.models import Certificate
from lms.text import one_line

BRAND = (11, 92, 107)  # #0b5c6b
INK = (28, 36, 48)
MUTED = (74, 85, 102)
ALERT = (176, 0, 32)
WIDTH, HEIGHT, MARGIN = 297, 210, 24
TEXT_WIDTH = WIDTH - 2 * MARGIN
LINE = 0.5  # line height in mm per point of font size (30 pt: 15 mm)
FLOW_BOTTOM = 128  # mm: the facts and the QR code start below
FAMILY = fonts.PRIMARY


@dataclass
class Block:
    """A paragraph of the flow. ``wrap_below``: shrink to this size before wrapping;
    ``smallest``: never smaller (readable); ``gap``: mm above it."""

    text: str
    size: float
    bold: bool = False
    colour: tuple[int, int, int] = INK
    gap: float = 0
    wrap_below: float | None = None
    smallest: float | None = None
    max_lines: int = 1
    lines: int = 1

    @property
    def height(self) -> float:
        return self.lines * self.size * LINE


class _Page(FPDF):
    def __init__(self, plan: fonts.Plan) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        for style, path in fonts.PRIMARY_FILES.items():
            self.add_font(FAMILY, style, str(path), unicode_range=plan.primary_chars)
        for face in plan.faces:
            self.add_font(face.family, face.style, str(face.path),
                          collection_font_number=face.index)  # fmt: skip
        if plan.faces:
            # exact_match=False: a family without a bold face prints bold text in its regular.
            self.set_fallback_fonts(plan.families, exact_match=False)
        self.set_text_shaping(True)

    def _render_styled_text_line(self, *args, **kwargs):
        # fpdf2 2.8: a line that begins in a fallback font sets the page's font inside its
        # q...Q pair, then believes it is still set; the next line would print without a
        # font. Saying "not set" makes every line set its own.
        self.current_font_is_set_on_page = False
        return super()._render_styled_text_line(*args, **kwargs)

    def use(self, size: float, *, bold: bool = False, colour=INK) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)

    def count_lines(self, block: Block) -> int:
        self.use(block.size, bold=block.bold)
        lines = self.multi_cell(
            w=TEXT_WIDTH, text=block.text, dry_run=True, output=MethodReturnValue.LINES
        )
        return max(1, len(lines))

    def fit(self, block: Block) -> None:
        """Shrink a little, then wrap, then shrink down to the smallest size."""
        smallest = block.smallest or block.size
        wrap_below = block.wrap_below or smallest
        while True:
            block.lines = self.count_lines(block)
            if block.lines == 1 or block.size <= smallest:
                return
            if block.size > wrap_below or block.lines > block.max_lines:
                block.size -= 1
                continue
            return

    def flow(self, blocks: list[Block], top: float, bottom: float) -> None:
        for block in blocks:
            self.fit(block)
        space = bottom - top
        while sum(b.height + b.gap for b in blocks) > space:
            larger = [b for b in blocks if b.size > (b.smallest or b.size)]
            if not larger:
                break
            block = max(larger, key=lambda b: b.size)
            block.size -= 1
            block.lines = self.count_lines(block)
        text = sum(b.height for b in blocks)
        gaps = sum(b.gap for b in blocks)
        scale = 1.0 if text + gaps <= space else max(0.0, (space - text) / gaps)
        y = top + max(0.0, (space - text - gaps * scale) / 2)
        for block in blocks:
            y += block.gap * scale
            self.set_xy(MARGIN, y)
            self.use(block.size, bold=block.bold, colour=block.colour)
            self.multi_cell(w=TEXT_WIDTH, h=block.size * LINE, text=block.text, align="C")
            y += block.height

    def line_of(self, text: str, y: float, size: float, *, bold=False, colour=INK, h=None):
        """One centred line of the head or foot (short texts; shrinks if it must)."""
        self.set_xy(MARGIN, y)
        self.use(size, bold=bold, colour=colour)
        while size > 7 and self.get_string_width(text) > TEXT_WIDTH:
            size -= 0.5
            self.set_font_size(size)
        self.cell(w=TEXT_WIDTH, h=h or size * LINE, text=text, align="C")

    def fact(self, label: str, value: str, y: float) -> None:
        self.set_xy(MARGIN + 6, y)
        self.use(10, colour=MUTED)
        self.cell(w=48, h=6, text=label)
        self.use(11, bold=True)
        self.cell(w=120, h=6, text=value)

    def frame(self) -> None:
        self.set_draw_color(*BRAND)
        self.set_line_width(1.6)
        self.rect(8, 8, WIDTH - 16, HEIGHT - 16)
        self.set_line_width(0.3)
        self.rect(11, 11, WIDTH - 22, HEIGHT - 22)
        self.set_fill_color(*BRAND)
        self.rect(11, 11, WIDTH - 22, 4, style="F")


def _qr_png(url: str) -> BytesIO:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def _score(value: float | None) -> str:
    return "—" if value is None else _("%(score)s%%", score=format_decimal(round(value, 1)))


def render(
    certificate: Certificate,
    verify_url: str,
    language: str | None = None,
    course_title: str | None = None,
) -> bytes:
    """The PDF's bytes, its words in ``language`` ("sv", "en"; the certificate's own when
    None) and the course named ``course_title`` (the title stored at issue when None).
    Raises :class:`~.fonts.MissingGlyphs` when a character of the certificate (its name,
    course title, centre) is in no available font."""
    language = language or certificate.language
    with force_locale(language):
        return _render(certificate, verify_url, language, course_title or certificate.course_title)


def _render(cert: Certificate, verify_url: str, language: str, stored_title: str) -> bytes:
    # Stored text as one printable line: rows from before names were cleaned may hold a
    # line break or a control character, which would print as nothing.
    name, course_title = one_line(cert.name), one_line(stored_title)
    title = _("Certificate of completion")
    details = " · ".join(p for p in (profession_label(cert.profession), cert.centre_name) if p)
    blocks = [
        Block(_("This certifies that"), 12, colour=MUTED),
        Block(name, 30, bold=True, gap=2, wrap_below=22, smallest=14, max_lines=4),
        Block(one_line(details), 12, colour=MUTED, gap=3, smallest=9, max_lines=2),
        Block(_("has completed the course"), 12, colour=MUTED, gap=3),
        Block(course_title, 19, bold=True, gap=2, wrap_below=15, smallest=12, max_lines=4),
        Block(
            _("Version %(version)s · content %(hash)s",
              version=cert.version, hash=cert.content_hash[:12]),
            10, colour=MUTED, gap=2,
        ),
    ]  # fmt: skip
    revoked = None
    if cert.revoked_at is not None:
        revoked = _("Revoked on %(date)s", date=format_date(cert.revoked_at, "long")).upper()
    expires = format_date(cert.expires_on, "long") if cert.expires_on else _("Does not expire")
    facts = [
        (_("Completed"), format_date(cert.completed_on, "long")),
        (_("Score"), _score(cert.score_percent)),
        (_("Valid until"), expires),
        (_("Certificate code"), codes.display(cert.code)),
    ]
    foot = [
        _("Verify this certificate at"),
        verify_url,
        _("ATMP Learn — Swedish network of ATMP centres"),
    ]
    every_text = "\n".join(
        [title, revoked or "", *(b.text for b in blocks), *(v for f in facts for v in f), *foot]
    )
    plan = fonts.plan(every_text)
    if plan.missing:
        raise fonts.MissingGlyphs(plan.missing)

    pdf = _Page(plan)
    pdf.set_title(f"{title}: {name} — {course_title}")
    pdf.set_author("ATMP Learn")
    pdf.set_subject(course_title)
    pdf.set_creator("ATMP Learn")
    pdf.set_lang(language)
    pdf.add_page()
    pdf.frame()

    pdf.line_of("ATMP Learn", 22, 11, bold=True, colour=BRAND)
    pdf.line_of(title, 32, 26, bold=True, colour=BRAND, h=12)
    top = 47
    if revoked:
        pdf.line_of(revoked, 46, 14, bold=True, colour=ALERT)
        top = 55
    pdf.flow(blocks, top, FLOW_BOTTOM)

    for row, (label, value) in enumerate(facts):
        pdf.fact(label, value, 136 + 7 * row)
    qr_size = 36
    pdf.image(_qr_png(verify_url), x=WIDTH - MARGIN - qr_size - 6, y=130, w=qr_size)
    pdf.line_of(foot[0], 171, 9, colour=MUTED, h=5)
    pdf.line_of(foot[1], 176, 9, colour=BRAND)
    pdf.line_of(foot[2], 185, 10, bold=True)
    # A second guard: a glyph fpdf2 looked for in a font that lacked it.
    lost = {chr(c) for font in pdf.fonts.values() for c in getattr(font, "missing_glyphs", ())}
    if lost:
        raise fonts.MissingGlyphs(lost)
    return bytes(pdf.output())
