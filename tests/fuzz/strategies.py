"""Hypothesis strategies for hostile form input: the values people and scripts really send.

Text includes control characters, NUL, right-to-left marks and very long strings (surrogates
are left out: HTTP cannot carry them). Numbers go past every integer column; dates include
ones that do not exist. Every field may be missing, sent twice, or joined by unknown fields.
"""

from dataclasses import dataclass

from hypothesis import strategies as st

# Values that broke (or nearly broke) real web apps; each is tried early and shrinks well.
SPECIAL_TEXT = (
    "", " ", "\x00", "a\x00b", "\u202e\u200fabc", "\u200b", "\ufeff", "\r\n\r\n", "\t",
    "<script>alert(1)</script>", "\"'><img src=x>", "' OR 1=1 --", "%00", "%s%n", "{{7*7}}",
    "../../config.py", "😀👍🏽", "ﷺ", "١٢٣", "²", "NaN", "-0", "1e309",
)
SPECIAL_NUMBERS = ("-1", "0", "1", "2147483647", "2147483648", "9223372036854775807",
                   str(2**63), str(2**64 + 1), str(-(2**63) - 1), str(10**30), "07", "+5", " 3 ")
SPECIAL_DATES = ("0000-00-00", "9999-12-31", "2026-02-30", "2026-13-01", "0001-01-01",
                 "2027-1-5", "31.12.2027", "2027-01-31T10:00", "99999-01-01")
SPECIAL_TIMES = ("00:00", "23:59", "24:00", "25:61", "12:00:00", "9", "noon")

_CHARACTERS = st.characters(exclude_categories=("Cs",))  # NUL and control characters included
SHORT_TEXT = st.text(_CHARACTERS, max_size=40)
# A long value is a short piece repeated, up to ~5,000 characters: cheap to make and to shrink.
LONG_TEXT = st.builds(lambda piece, times: (piece * times)[:5000],
                      st.text(_CHARACTERS, min_size=1, max_size=8), st.integers(30, 5000))
TEXT = st.one_of(st.sampled_from(SPECIAL_TEXT), SHORT_TEXT, LONG_TEXT)
NUMBER = st.one_of(st.sampled_from(SPECIAL_NUMBERS),
                   st.integers(-(2**70), 2**70).map(str))
DATE = st.one_of(st.sampled_from(SPECIAL_DATES), st.dates().map(str))
TIME = st.one_of(st.sampled_from(SPECIAL_TIMES), st.times().map(lambda t: t.strftime("%H:%M")))
ANYTHING = st.one_of(TEXT, NUMBER, DATE)


@dataclass(frozen=True)
class Field:
    """A form field: what hypothesis may put in it, and a value the app accepts."""

    values: st.SearchStrategy[str]
    good: str


def text(*good: str) -> Field:
    """A text field: sometimes a value the app expects, mostly anything at all."""
    return Field(st.one_of(st.sampled_from(good), TEXT) if good else TEXT,
                 good[0] if good else "")


def number(*good: object) -> Field:
    """A number or id field: real ids, numbers out of every range, and text."""
    good = tuple(str(value) for value in good)
    return Field(st.one_of(st.sampled_from(good), NUMBER, TEXT) if good else st.one_of(
        NUMBER, TEXT), good[0] if good else "")


def date(good: str = "2027-03-02") -> Field:
    return Field(st.one_of(st.just(good), DATE, TEXT), good)


def clock(good: str = "10:00") -> Field:
    return Field(st.one_of(st.just(good), TIME, TEXT), good)


def choice(*good: str) -> Field:
    """A select, radio or checkbox value: a real choice or anything else."""
    return Field(st.one_of(st.sampled_from(good), ANYTHING), good[0])


FIELD_NAME = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20).filter(
    lambda name: name != "csrf_token")


@st.composite
def form_data(draw, fields: dict[str, Field]) -> list[tuple[str, str]]:
    """(name, value) pairs: each field once (most often), missing, or repeated; plus strangers."""
    pairs = []
    for name, spec in fields.items():
        times = draw(st.sampled_from((1, 0, 2, 3)))
        pairs += [(name, draw(spec.values)) for _ in range(times)]
    pairs += draw(st.lists(st.tuples(FIELD_NAME, ANYTHING), max_size=2))
    return pairs
