"""The certificate as an A4 landscape PDF, drawn with fpdf2 (no browser involved).

DejaVu Sans ships with the plugin and is embedded (subset), so any name renders: å, ä,
ö, é, ł, and Greek or Cyrillic letters too. The text is in the certificate's own language,
the learner's at issue time, whatever the language of the person downloading it.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import segno
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from fpdf import FPDF

from lms.labels import profession_label
from lms.plugins.certificates import codes
from lms.plugins.certificates.models import Certificate

FONTS = Path(__file__).parent / "fonts"
BRAND = (11, 92, 107)  # #0b5c6b
INK = (28, 36, 48)
MUTED = (74, 85, 102)
ALERT = (176, 0, 32)
WIDTH, HEIGHT, MARGIN = 297, 210, 24
FAMILY = "DejaVu"


class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))

    def line_of(self, text: str, y: float, size: float, *, bold=False, colour=INK, h=None):
        self.set_xy(MARGIN, y)
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        # Long names and titles shrink to fit the line rather than run off the page.
        while size > 8 and self.get_string_width(text) > WIDTH - 2 * MARGIN:
            size -= 1
            self.set_font_size(size)
        self.cell(w=WIDTH - 2 * MARGIN, h=h or size * 0.5, text=text, align="C")

    def fact(self, label: str, value: str, y: float) -> None:
        self.set_xy(MARGIN + 6, y)
        self.set_font(FAMILY, "", 10)
        self.set_text_color(*MUTED)
        self.cell(w=48, h=6, text=label)
        self.set_font(FAMILY, "B", 11)
        self.set_text_color(*INK)
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


def render(certificate: Certificate, verify_url: str) -> bytes:
    with force_locale(certificate.language):
        return _render(certificate, verify_url)


def _render(cert: Certificate, verify_url: str) -> bytes:
    pdf = _Page()
    title = _("Certificate of completion")
    pdf.set_title(f"{title}: {cert.name} — {cert.course_title}")
    pdf.set_author("ATMP Learn")
    pdf.set_subject(cert.course_title)
    pdf.set_creator("ATMP Learn")
    pdf.set_lang(cert.language)
    pdf.add_page()
    pdf.frame()

    pdf.line_of("ATMP Learn", 22, 11, bold=True, colour=BRAND)
    pdf.line_of(title, 32, 26, bold=True, colour=BRAND, h=12)
    if cert.revoked_at is not None:
        revoked = _("Revoked on %(date)s", date=format_date(cert.revoked_at, "long"))
        pdf.line_of(revoked.upper(), 46, 14, bold=True, colour=ALERT)
    pdf.line_of(_("This certifies that"), 54, 12, colour=MUTED)
    pdf.line_of(cert.name, 62, 30, bold=True, h=15)
    details = [profession_label(cert.profession), cert.centre_name or ""]
    pdf.line_of(" · ".join(part for part in details if part), 80, 12, colour=MUTED)
    pdf.line_of(_("has completed the course"), 92, 12, colour=MUTED)
    pdf.line_of(cert.course_title, 100, 19, bold=True, h=10)
    version = _(
        "Version %(version)s · content %(hash)s",
        version=cert.version,
        hash=cert.content_hash[:12],
    )
    pdf.line_of(version, 112, 10, colour=MUTED)

    expires = format_date(cert.expires_on, "long") if cert.expires_on else _("Does not expire")
    pdf.fact(_("Completed"), format_date(cert.completed_on, "long"), 128)
    pdf.fact(_("Score"), _score(cert.score_percent), 135)
    pdf.fact(_("Valid until"), expires, 142)
    pdf.fact(_("Certificate code"), codes.display(cert.code), 149)

    qr_size = 38
    pdf.image(_qr_png(verify_url), x=WIDTH - MARGIN - qr_size - 6, y=122, w=qr_size)
    pdf.set_xy(MARGIN, 168)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(w=WIDTH - 2 * MARGIN, h=5, text=_("Verify this certificate at"), align="C")
    pdf.line_of(verify_url, 173, 9, colour=BRAND)
    pdf.line_of(_("ATMP Learn — Swedish network of ATMP centres"), 184, 10, bold=True)
    return bytes(pdf.output())
