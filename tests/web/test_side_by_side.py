"""The side-by-side view: each part of a lesson in the reader's language beside the bokmål."""

import re

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.learning.models import LessonProgress
from housingschool.learning.side_by_side import blocks, pair_blocks

LESSON = "/modules/tenancy-rights/the-lease"


def test_each_paragraph_in_arabic_sits_beside_the_same_paragraph_in_norwegian(client, app):
    lesson = app.extensions["catalogue"].lesson("tenancy-rights", "the-lease")
    page = client.get(f"{LESSON}/side-by-side?lang=ar").get_data(as_text=True)
    own = re.findall(r'<div class="pair-own" lang="ar" dir="rtl">', page)
    norwegian = re.findall(r'<div class="pair-nb" lang="nb" dir="ltr">', page)
    texts = [b for b in blocks(lesson.texts["nb"].html) if not b.picture_only]
    assert len(own) == len(norwegian) == len(texts)
    first_pair = page.split('<div class="pair">')[1]
    assert lesson.texts["ar"].html.split("</p>")[0].removeprefix("<p>") in first_pair
    assert lesson.texts["nb"].html.split("</p>")[0].removeprefix("<p>") in first_pair
    assert f'href="{LESSON}"' in page and f'href="{LESSON}#quiz"' in page


def test_a_picture_is_shown_once_not_once_per_language(client, app):
    lesson = app.extensions["catalogue"].lesson("tenancy-rights", "the-lease")
    pictures = lesson.texts["nb"].html.count("<img")
    assert pictures
    page = client.get(f"{LESSON}/side-by-side?lang=en").get_data(as_text=True)
    assert page.count('src="/course-media/tenancy-rights/') == pictures


def test_bokmal_readers_are_sent_to_the_lesson_itself(client):
    response = client.get(f"{LESSON}/side-by-side?lang=nb")
    assert response.status_code == 302 and response.headers["Location"] == LESSON
    assert client.get("/modules/tenancy-rights/nope/side-by-side?lang=ar").status_code == 404


def test_opening_it_counts_as_opening_the_lesson(as_participant, app):
    as_participant.get(f"{LESSON}/side-by-side?lang=uk")
    rows = db.session.execute(sa.select(LessonProgress.lesson_slug,
                                        LessonProgress.language)).all()
    assert [tuple(r) for r in rows] == [("the-lease", "uk")]


def test_list_items_keep_their_number_beside_the_translation():
    own = "<p>Steps:</p>\n<ol>\n<li>First</li>\n<li>Second <em>now</em></li>\n</ol>"
    nb = "<p>Steg:</p>\n<ol>\n<li>Først</li>\n<li>Så <em>nå</em></li>\n</ol>"
    pairs = pair_blocks(own, nb)
    assert [(a.tag, a.list_tag, a.number, a.html, b.html) for a, b in pairs] == [
        ("p", None, 0, "Steps:", "Steg:"),
        ("li", "ol", 1, "First", "Først"),
        ("li", "ol", 2, "Second <em>now</em>", "Så <em>nå</em>")]


def test_texts_that_do_not_line_up_are_not_paired():
    nb = "<h2>Depositum</h2>\n<p>En.</p>\n<p>To.</p>"
    assert pair_blocks("<h2>Deposit</h2>\n<p>One. Two.</p>", nb) is None  # fewer paragraphs
    assert pair_blocks("<p>Deposit</p>\n<p>One.</p>\n<p>Two.</p>", nb) is None  # no heading


def test_texts_that_do_not_line_up_are_shown_one_after_the_other(client, app, monkeypatch):
    from housingschool.learning import routes

    monkeypatch.setattr(routes, "pair_blocks", lambda own, nb: None)
    page = client.get(f"{LESSON}/side-by-side?lang=ar").get_data(as_text=True)
    assert '<div class="pair">' not in page
    assert '<section class="pair-own lesson" lang="ar" dir="rtl"' in page
    assert '<section class="pair-nb lesson" lang="nb" dir="ltr"' in page


def test_the_link_near_the_lesson_title_is_only_for_readers_of_other_languages(app):
    from flask import render_template_string

    lesson = app.extensions["catalogue"].lesson("tenancy-rights", "the-lease")
    module = app.extensions["catalogue"].module("tenancy-rights")
    shown = {}
    for code in ("ar", "nb"):
        with app.test_request_context(f"/?lang={code}"):
            app.preprocess_request()
            shown[code] = render_template_string(
                '{% include "learning/_side_by_side_link.html" %}', module=module,
                lesson=lesson, text=lesson.text(code))
    assert f'href="{LESSON}/side-by-side"' in shown["ar"]
    assert shown["nb"].strip() == ""
