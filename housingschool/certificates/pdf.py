"""The certificate as one A4 page of PDF: Norwegian on the left, the participant's language on
the right, and a QR code to the public verify page.

Fonts are embedded from fonts/ (Noto, OFL): Noto Sans for Latin and Cyrillic, with Noto Sans
Arabic (Arabic, Dari) and Noto Sans Ethiopic (Tigrinya) as fallbacks. HarfBuzz shapes the text
and fpdf2 orders right-to-left runs, so Arabic letters join and read the right way.
"""

import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from fpdf import FPDF

from housingschool import i18n
from housingschool.content.catalogue import Catalogue
from housingschool.reports.models import Certificate

FONTS = Path(__file__).parent / "fonts"
SANS, ARABIC, ETHIOPIC = "NotoSans", "NotoSansArabic", "NotoSansEthiopic"
BRAND, INK, MUTED, LINE = (29, 94, 140), (27, 31, 36), (74, 85, 96), (201, 210, 218)
MARGIN, WIDTH = 18.0, 174.0  # mm; A4 is 210 mm wide
HALF = WIDTH / 2 - 3
QR_SIZE = 32.0
FOOTER_TOP = 297 - MARGIN - QR_SIZE  # the QR code and the verify address live below this
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Words:
    """The fixed wording of the certificate in one language."""

    language: str
    rtl: bool
    title: str
    completed: str
    modules: str
    hours: str
    organisation: str
    date: str
    number: str
    verify: str


def words(code: str) -> Words:
    """The certificate's wording in language `code`, from the gettext catalogues."""
    lang = i18n.language(code)
    with force_locale(lang.babel):
        # Norway calls the document "Kursbevis"; the other language gets its own word for it.
        title = "Kursbevis" if lang.code == "nb" else _("Course certificate")
        return Words(lang.code, lang.rtl, title,
                     _("has completed the Boligskolen course about finding and keeping a home."),
                     _("Modules completed"), _("Hours attended"), _("Issued by"), _("Date"),
                     _("Certificate number"), _("Check that the certificate is genuine:"))


def certificate_pdf(certificate: Certificate, catalogue: Catalogue, verify_url: str) -> bytes:
    """The certificate as PDF bytes: always exactly one A4 page.

    A very long name or translation makes the text smaller rather than spill onto the QR code.
    """
    norwegian = words("nb")
    other = words(certificate.language) if i18n.normalise(certificate.language) not in (
        None, "nb") else None
    for scale in (1.0, 0.85, 0.72, 0.6):
        pdf = _document(certificate, scale)
        pdf.add_page()
        _heading(pdf, norwegian, other, certificate)
        _modules(pdf, norwegian, other, certificate, catalogue)
        _facts(pdf, norwegian, other, certificate)
        if pdf.get_y() <= FOOTER_TOP - 2:
            break
        pdf.close_fonts()  # a draft that ran over: let go of its font files
    _verify(pdf, norwegian, other, verify_url)
    data = bytes(pdf.output())
    if pdf.uncovered:
        log.warning("certificate %s: no embedded font can draw %s", certificate.number,
                    " ".join(sorted(pdf.uncovered)))
    return data


class CertificatePDF(FPDF):
    """fpdf2's document, noting every character that no embedded font can draw.

    (With text shaping on, fpdf2 itself draws an empty box for such a character, silently.)
    """

    def __init__(self, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale  # every text size and line height is multiplied by this
        self.uncovered: set[str] = set()

    def close_fonts(self) -> None:
        """Close the font files of a draft that will never be output."""
        for font in self.fonts.values():
            if hasattr(font, "close"):
                font.close()

    def check(self, text: str) -> None:
        """Remember characters of `text` that are in none of the fonts."""
        for char in set(text):
            if unicodedata.category(char)[0] in "ZC":  # spaces, joiners, direction marks
                continue
            if not any(ord(char) in font.cmap for font in self.fonts.values()):
                self.uncovered.add(char)


def _document(certificate: Certificate, scale: float) -> CertificatePDF:
    pdf = CertificatePDF(scale, format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)  # one page, whatever the content
    pdf.add_font(SANS, "", FONTS / "NotoSans-Regular.ttf")
    pdf.add_font(SANS, "B", FONTS / "NotoSans-Bold.ttf")
    pdf.add_font(ARABIC, "", FONTS / "NotoSansArabic-Regular.ttf")
    pdf.add_font(ETHIOPIC, "", FONTS / "NotoSansEthiopic-Regular.ttf")
    pdf.set_fallback_fonts([ARABIC, ETHIOPIC], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_title(f"Kursbevis {certificate.number}")
    pdf.set_author(certificate.organisation.name)
    pdf.set_creator("Boligskolen")
    pdf.set_lang("nb")
    pdf.set_creation_date(certificate.issued_at)
    return pdf


def _font(pdf: CertificatePDF, size: float, bold: bool = False, colour=INK) -> None:
    """Select Noto Sans. Selecting another family first makes fpdf2 (2.8) really switch back:
    after a line that began in a fallback font it would otherwise keep that font."""
    pdf.set_font(ARABIC, "", size)
    pdf.set_font(SANS, "B" if bold else "", size)
    pdf.set_text_color(*colour)


def _line(pdf: CertificatePDF, text: str, size: float, height: float, bold=False, colour=INK,
          align="C", width: float = WIDTH, x: float | None = None) -> float:
    """Write wrapped text in a box from the current height; return the box's bottom."""
    _font(pdf, size * pdf.scale, bold, colour)
    pdf.check(text)
    pdf.set_x(MARGIN if x is None else x)
    pdf.multi_cell(width, height * pdf.scale, text, align=align, new_x="LMARGIN", new_y="NEXT")
    return pdf.get_y()


def _pair(pdf: CertificatePDF, left: str, right: str | None, size: float, height: float, bold=False,
          colour=INK, rtl: bool = False) -> None:
    """Norwegian in the left half and the other language in the right half, side by side; a
    right-to-left language is set flush right, a left-to-right one starts at the middle."""
    top = pdf.get_y()
    bottom = _line(pdf, left, size, height, bold, colour, "L", HALF)
    if right:
        pdf.set_y(top)
        align = "R" if rtl else "L"
        bottom = max(bottom, _line(pdf, right, size, height, bold, colour, align, HALF,
                                   x=MARGIN + WIDTH - HALF))
    pdf.set_y(bottom)


def _rule(pdf: CertificatePDF, gap: float = 4) -> None:
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.3)
    y = pdf.get_y() + gap / 2
    pdf.line(MARGIN, y, MARGIN + WIDTH, y)
    pdf.set_y(y + gap / 2)


def _heading(pdf: CertificatePDF, nb: Words, other: Words | None, certificate: Certificate) -> None:
    pdf.set_fill_color(*BRAND)
    pdf.rect(0, 0, 210, 8, style="F")
    pdf.set_y(16)
    _line(pdf, "Boligskolen", 12, 6, colour=BRAND)
    _line(pdf, nb.title, 32, 15, bold=True, colour=BRAND)
    if other:
        _line(pdf, other.title, 20, 11, bold=True, colour=BRAND)
    pdf.ln(8)
    _line(pdf, certificate.holder_name, 26, 13, bold=True)
    pdf.ln(2)
    _line(pdf, nb.completed, 12, 6.5, colour=MUTED)
    if other:
        _line(pdf, other.completed, 12, 6.5, colour=MUTED)
    _rule(pdf, 8)


def _modules(pdf: CertificatePDF, nb: Words, other: Words | None, certificate: Certificate,
             catalogue: Catalogue) -> None:
    modules = [catalogue.module(slug) for slug in certificate.modules]
    modules = [m for m in modules if m is not None]
    # A longer course gets a smaller size, so the page never runs over.
    size, height = (12.5, 6.8) if len(modules) <= 9 else (9, 4.6)
    rtl = bool(other and other.rtl)
    _pair(pdf, nb.modules, other.modules if other else None, 10, 5, colour=MUTED, rtl=rtl)
    pdf.ln(1)
    for module in modules:
        _pair(pdf, module.text("nb").text.title,
              module.text(other.language).text.title if other else None, size, height,
              rtl=rtl)
        pdf.ln(0.8)
    _rule(pdf, 6)


def _facts(pdf: CertificatePDF, nb: Words, other: Words | None, certificate: Certificate) -> None:
    """Hours, organisation, date and number in two columns."""
    with force_locale("nb"):
        hours = format_decimal(round(certificate.minutes_attended / 60, 1))
        day = format_date(certificate.issued_at, "dd.MM.yyyy")
    rows = [[("hours", hours), ("organisation", certificate.organisation.name)],
            [("date", day), ("number", certificate.number)]]
    for row in rows:
        top, bottom = pdf.get_y(), pdf.get_y()
        for column, (field, value) in enumerate(row):
            x = MARGIN + column * (WIDTH - HALF)
            pdf.set_y(top)
            _line(pdf, getattr(nb, field), 9.5, 4.8, colour=MUTED, align="L", width=HALF, x=x)
            if other:
                _line(pdf, getattr(other, field), 9.5, 4.8, colour=MUTED,
                      align="R" if other.rtl else "L", width=HALF, x=x)
            bottom = max(bottom, _line(pdf, value, 15, 8, bold=True, align="L", width=HALF, x=x))
        pdf.set_y(bottom + 5)


def _verify(pdf: CertificatePDF, nb: Words, other: Words | None, url: str) -> None:
    """The QR code at the foot of the page, with the address printed for typing in."""
    _qr(pdf, url, MARGIN + WIDTH - QR_SIZE, FOOTER_TOP, QR_SIZE)
    pdf.set_y(FOOTER_TOP + 4)
    width = WIDTH - QR_SIZE - 6
    _line(pdf, nb.verify, 9.5, 4.8, colour=MUTED, align="L", width=width)
    if other:
        _line(pdf, other.verify, 9.5, 4.8, colour=MUTED, align="R" if other.rtl else "L",
              width=width)
    _line(pdf, url, 9, 4.8, colour=BRAND, align="L", width=width)


def _qr(pdf: CertificatePDF, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares (sharp at any print size), a run per row."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    cell = size / len(matrix)
    pdf.set_fill_color(*INK)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * cell, y + r * cell, (c - start) * cell + 0.01, cell + 0.01,
                     style="F")
