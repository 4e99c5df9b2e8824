"""Local notes: a coordinator writes what is different in their town; their own participants see
it in the lesson, in their language or else in bokmål, as plain text."""

import pytest
import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.reports.models import LocalNote

LESSON = "/modules/waste/which-bin"
EDIT = "/local-notes/waste/which-bin"
LANGS = ("nb", "en", "uk", "ar", "fa_AF", "ti", "so")


def notes_form(**texts) -> dict[str, str]:
    """The edit form as sent: every language's box, empty unless given."""
    return {f"note_{code}": texts.get(code, "") for code in LANGS}


@pytest.fixture
def noted(school, client, login_as, client_for, app):
    """Kari has written Hamar's note in bokmål, Arabic and English (with an HTML attempt)."""
    kari = login_as(client_for(app), "kari")
    response = kari.post_form(EDIT, notes_form(
        nb="Restavfall: grønn dusk.\nRing Hamar renovasjon: 62 00 00 00",
        ar="النفايات المتبقية: الكيس الأخضر",
        en='Residual waste: green bag. <script>alert("x")</script><b>bold</b>'))
    assert response.status_code == 303
    assert response.location.endswith(LESSON + "#local-note")
    return school


def test_participant_sees_the_note_in_their_language_marked_as_local(noted, client, login_as):
    login_as(client, "amina")  # her profile language is Arabic
    page = client.get(LESSON).get_data(as_text=True)
    assert 'id="local-note"' in page
    assert "Hamar kommune" in page
    assert '<p class="local-note-text" lang="ar" dir="rtl">النفايات المتبقية: الكيس الأخضر</p>' \
        in page


def test_note_is_plain_text_with_html_escaped(noted, client, login_as):
    login_as(client, "yonas")
    page = client.get(LESSON + "?lang=en").get_data(as_text=True)
    assert "Local information from Hamar kommune" in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<script>alert("x")' not in page and "<b>bold</b>" not in page


def test_without_a_note_in_my_language_i_see_the_bokmal_one_marked_as_norwegian(
        noted, client, login_as):
    login_as(client, "yonas")
    page = client.get(LESSON + "?lang=so").get_data(as_text=True)
    assert ('<p class="local-note-text" lang="nb" dir="ltr">Restavfall: grønn dusk.\n'
            "Ring Hamar renovasjon: 62 00 00 00</p>") in page


def test_other_organisations_and_visitors_do_not_see_the_note(noted, client, login_as,
                                                            client_for, app):
    visitor = client_for(app).get(LESSON).get_data(as_text=True)
    assert 'id="local-note"' not in visitor and "grønn dusk" not in visitor
    login_as(client, "bjorn")
    page = client.get(LESSON).get_data(as_text=True)
    assert "grønn dusk" not in page and 'id="local-note"' not in page
    edit = client.get(EDIT).get_data(as_text=True)
    assert "grønn dusk" not in edit
    client.post_form(EDIT, notes_form(nb="Bergen: brun dunk."))
    assert "Bergen: brun dunk." in client.get(LESSON + "?lang=nb").get_data(as_text=True)
    hamar = db.session.scalars(sa.select(LocalNote.text).where(
        LocalNote.organisation_id == noted.hamar.id, LocalNote.language == "nb")).all()
    assert hamar == ["Restavfall: grønn dusk.\nRing Hamar renovasjon: 62 00 00 00"]


def test_edit_page_shows_the_saved_notes_and_an_empty_box_removes_one(noted, client, login_as):
    login_as(client, "kari")
    page = client.get(EDIT).get_data(as_text=True)
    assert "Ring Hamar renovasjon" in page and "الكيس الأخضر" in page
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    client.post_form(EDIT, notes_form(nb="Restavfall: grønn dusk."))
    assert set(db.session.scalars(sa.select(LocalNote.language))) == {"nb"}
    assert db.session.scalar(sa.select(LocalNote.text)) == "Restavfall: grønn dusk."


def test_a_too_long_note_is_refused_and_kept_for_editing(noted, client, login_as):
    login_as(client, "kari")
    long_text = "Hent nøkkel hos vaktmester. " * 40  # over 1000 characters
    response = client.post_form(EDIT + "?lang=en", notes_form(nb=long_text, en="Short."))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "at most 1000 characters" in page
    assert "Hent nøkkel hos vaktmester." in page and "Short." in page
    db.session.expire_all()
    texts = dict(db.session.execute(sa.select(LocalNote.language, LocalNote.text)).all())
    assert texts["nb"].startswith("Restavfall") and texts["en"].startswith("Residual")


def test_coordinators_get_an_edit_link_on_the_lesson_others_do_not(
        noted, client, login_as, client_for, app):
    login_as(client, "kari")
    assert f'href="{EDIT}">Edit the local note</a>' in client.get(LESSON + "?lang=en").get_data(
        as_text=True)
    other_lesson = client.get("/modules/waste/special-waste?lang=en").get_data(as_text=True)
    assert 'href="/local-notes/waste/special-waste">Add a local note</a>' in other_lesson
    for username in ("amina", "tove"):
        page = login_as(client_for(app), username).get(LESSON).get_data(as_text=True)
        assert EDIT not in page


def test_the_lesson_page_reads_the_notes_in_one_query(noted, client, login_as, app):
    login_as(client, "yonas")
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "local_note" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(LESSON).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_unknown_lesson_is_a_404(school, client, login_as):
    login_as(client, "kari")
    assert client.get("/local-notes/waste/no-such-lesson").status_code == 404
