"""What the site accepts from a request: text without NUL, ids and dates the database can hold.

Hostile or broken requests must get an answer about their input, never a server error. No
keyboard types a NUL character and PostgreSQL can neither store nor compare one, so forms drop
it. Ids are INTEGER columns (at most 2**31 - 1 in PostgreSQL) and a date outside the years the
site handles overflows when it is turned into Oslo or UTC time: both count as wrong input.
"""

from datetime import date

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def without_nul(value):
    """The value with NUL characters removed (in each item of a list too)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


class Form(FlaskForm):
    """The base of every form of the site."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Every field drops NUL characters first, before its own filters."""
            filters = (without_nul, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, filters=filters, **options)

        def wrap_formdata(self, form, formdata):
            """Forms arrive as form bodies only. Flask-WTF would read a JSON body as the form,
            and a JSON list or number there was a server error; the site sends no JSON."""
            if request.is_json and form.is_submitted():
                return ImmutableMultiDict()
            return super().wrap_formdata(form, formdata)


def database_id(text: str) -> int:
    """An id (or page number) from a form or query string, for `.get(name, type=database_id)`:
    raises ValueError, so `.get` gives its default, when the database could not hold it."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def parse_day(text: str) -> date:
    """A date typed as year-month-day, within the years the site handles; else ValueError."""
    day = date.fromisoformat(text)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(text)
    return day


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in URLs: an id bigger than the database can hold matches nothing (a 404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
