"""UI catalogues: every language complete, with the same placeholders as the source text."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from housingschool.i18n import LANGUAGES

FOLDER = Path(__file__).parents[2] / "housingschool" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


def catalogue(language):
    with (FOLDER / language.babel / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def test_catalogues_cover_every_message_in_the_template():
    with (FOLDER / "messages.pot").open("rb") as pot:
        template = {m.id for m in read_po(pot) if m.id}
    for language in LANGUAGES:
        assert {m.id for m in catalogue(language) if m.id} >= template, language.code


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_every_message_is_translated_with_the_same_placeholders(language):
    for message in catalogue(language):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(forms) and not message.fuzzy, f"{language.code}: {message.id!r} untranslated"
        expected = set().union(*map(placeholders, source))
        for form in forms:  # a plural form may leave out the count ("one day")
            assert placeholders(form) <= expected and placeholders(form) >= expected - {
                "%(count)s", "%(days)s", "%(minutes)s", "%(n)s"}, f"{language.code}: {form!r}"
