"""The PDF: one A4 page with the holder's name, number, hours, organisation and module titles,
in Norwegian and the holder's language, with every script drawn by an embedded font."""

import io
import logging

import pytest
from pypdf import PdfReader

from housingschool.certificates import services
from housingschool.certificates.pdf import certificate_pdf
from housingschool.extensions import db


@pytest.fixture
def no_missing_glyphs(caplog):
    """Fail the test if fpdf2 (or we) report a character no embedded font can draw."""
    caplog.set_level(logging.WARNING)
    yield
    problems = [r.getMessage() for r in caplog.records
                if r.name.startswith(("fpdf", "housingschool.certificates"))]
    assert not problems, problems


def issue_for(app, person, issuer, language):
    certificate = services.issue(person, issuer, language, app.extensions["catalogue"])
    db.session.commit()
    return certificate


def render(app, certificate):
    with app.test_request_context():
        return certificate_pdf(certificate, app.extensions["catalogue"],
                               f"https://boligskolen.example/verify/{certificate.code}")


def read(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return reader, "\n".join(page.extract_text() for page in reader.pages), fonts


def test_ukrainian_certificate_is_one_a4_page_with_everything_on_it(app, school,
                                                                     no_missing_glyphs):
    certificate = issue_for(app, school["olena"], school["coordinator"], "uk")
    reader, text, fonts = read(render(app, certificate))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        210, 297)
    assert "Олена Коваленко" in text
    assert certificate.number in text
    assert "Kursbevis" in text
    assert "2,5" in text  # 90 + 60 minutes; absent does not count
    assert "Hamar kommune" in text
    catalogue = app.extensions["catalogue"]
    for module in catalogue.modules:
        assert module.text("nb").text.title in text
        assert module.text("uk").text.title in text
    assert f"https://boligskolen.example/verify/{certificate.code}" in text.replace("\n", "")
    assert "NotoSans" in fonts


@pytest.mark.parametrize(("language", "name", "words", "font"), [
    ("ar", "فاطمة الزهراء", ["فاطمة", "الزهراء"], "NotoSansArabic"),
    ("fa-AF", "محمد رضا احمدی", ["محمد", "احمدی"], "NotoSansArabic"),
    ("ti", "ዮናስ ተስፋይ", ["ዮናስ", "ተስፋይ"], "NotoSansEthiopic"),
])
def test_arabic_dari_and_tigrinya_are_drawn_with_embedded_fonts(
        app, factory, school, complete, no_missing_glyphs, language, name, words, font):
    person = factory.user(f"p-{language}", group=school["group"], language=language,
                          display_name=name)
    complete(person)
    certificate = issue_for(app, person, school["coordinator"], language)
    reader, text, fonts = read(render(app, certificate))
    assert len(reader.pages) == 1
    assert font in fonts
    for word in words:  # shaped right-to-left text comes out word by word
        assert word in text
    assert certificate.language == language


def test_a_character_no_font_has_is_reported(app, factory, school, complete, caplog):
    """The glyph check above can fail: a Chinese name is outside the embedded fonts."""
    person = factory.user("wang", group=school["group"], display_name="王芳")
    complete(person)
    certificate = issue_for(app, person, school["coordinator"], "en")
    with caplog.at_level(logging.WARNING):
        render(app, certificate)
    assert any("王" in r.getMessage() for r in caplog.records)


def test_norwegian_only_certificate_has_no_second_language(app, school):
    certificate = issue_for(app, school["olena"], school["coordinator"], "nb")
    _reader, text, _fonts = read(render(app, certificate))
    assert "Олена Коваленко" in text
    assert "Ваші права як орендаря" not in text
    assert "Dine rettigheter som leietaker" in text


def test_a_very_long_name_still_fits_on_one_page(app, factory, school, complete,
                                                  no_missing_glyphs):
    name = "Oleksandra-Yevheniia " * 3 + "Kovalenko-Shevchenko-Bondarenko"
    person = factory.user("longname", group=school["group"], language="so",
                          display_name=name[:80])
    complete(person)
    certificate = issue_for(app, person, school["coordinator"], "so")
    reader, text, _fonts = read(render(app, certificate))
    assert len(reader.pages) == 1
    assert certificate.number in text and "Hamar kommune" in text
    assert "Badbaadada dabka" in text  # Somali title of the last module
