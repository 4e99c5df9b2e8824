"""The coverage table and text statistics of `courses check`."""

import shutil
from pathlib import Path

from housingschool.content.coverage import coverage, language_statistics
from housingschool.content.loader import load_catalogue
from housingschool.content.render import text_statistics

FIXTURE = Path(__file__).parent.parent / "fixtures" / "course"


def test_sentences_and_words_are_counted_like_a_reader_would():
    body = "## Your key\n\nKeep it safe. Do not lend it!\n\n- one item\n- two items here\n"
    assert text_statistics(body) == (12, 4)  # 3 + 4 + 2 + 3 words; the heading is left out
    assert text_statistics("![A picture](img/x.svg)\n\nሓደ ክልተ። ሰለስተ።") == (3, 2)


def test_coverage_says_complete_draft_or_missing(tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(root / "home" / "en", root / "home" / "uk")
    md = root / "home" / "uk" / "keys.md"
    md.write_text(md.read_text().replace('status = "reviewed"', 'status = "draft"'))
    table = coverage(load_catalogue(root))
    assert table["home"]["nb"] == "complete"
    assert table["home"]["uk"] == "draft"
    assert table["home"]["ar"] == "missing"


def test_language_statistics_count_lessons_present():
    stats = language_statistics(load_catalogue(FIXTURE))
    assert stats["nb"][:2] == (1, 1)
    assert stats["so"][:2] == (0, 1)
    assert 5 < stats["en"][2] < 15


def test_grouped_numbers_keep_their_order_in_right_to_left_text():
    from housingschool.content.render import LRI, PDI, isolate_numbers

    text = "اتصل بـ 55 55 33 39 أو ادفع 5 000 kr قبل 25 مارس"
    assert isolate_numbers(text) == (f"اتصل بـ {LRI}55 55 33 39{PDI} أو ادفع {LRI}5 000{PDI} kr "
                                     "قبل 25 مارس")
    assert isolate_numbers(isolate_numbers(text)) == isolate_numbers(text)
    assert isolate_numbers({"a": ["110 112"]}) == {"a": [f"{LRI}110 112{PDI}"]}
