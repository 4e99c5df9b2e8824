"""Choosing the language of a request."""

import pytest

from housingschool.i18n import choose_language, from_accept_language, language, normalise


@pytest.mark.parametrize("tag, code", [
    ("nb", "nb"), ("no", "nb"), ("nb-NO", "nb"), ("nn", "nb"), ("EN", "en"), ("en-GB", "en"),
    ("uk-UA", "uk"), ("ar", "ar"), ("ar-SY", "ar"), ("fa-AF", "fa-AF"), ("fa_AF", "fa-AF"),
    ("prs", "fa-AF"), ("ti", "ti"), ("ti-ER", "ti"), ("so", "so"), ("de", None), ("", None),
    (None, None), ("xx-ar", None),
])
def test_normalise_language_tags(tag, code):
    assert normalise(tag) == code


def test_explicit_choice_wins_over_everything():
    assert choose_language("ar", "uk", "en", "so") == "ar"


def test_profile_then_browser_then_organisation_then_bokmal():
    assert choose_language(None, "uk", "en", "so") == "uk"
    assert choose_language(None, None, "en", "so") == "en"
    assert choose_language(None, None, None, "so") == "so"
    assert choose_language(None, None, None, None) == "nb"
    assert choose_language("de", None, None, None) == "nb"


def test_browser_preferences_in_order_skipping_languages_we_lack():
    assert from_accept_language([("de-DE", 1), ("ti", 0.8), ("en", 0.5)]) == "ti"
    assert from_accept_language([("de", 1)]) is None


def test_right_to_left_languages():
    assert language("ar").rtl and language("fa-AF").rtl
    assert not any(language(c).rtl for c in ("nb", "en", "uk", "ti", "so"))
    assert language("fa-AF").babel == "fa_AF"
