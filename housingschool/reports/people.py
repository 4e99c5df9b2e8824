"""Participants as the long reports list them: plain rows, not ORM objects.

Loading ten thousand User objects costs half a second; these tuples cost a few milliseconds.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context
from flask_babel import gettext

from housingschool.accounts.models import User


@dataclass(frozen=True)
class Person:
    """What a report shows of a participant."""

    id: int
    display_name: str
    username: str


def columns() -> tuple:
    """The User columns `person()` needs, for a select()."""
    return User.id, User.stored_name, User.username, User.anonymised_at


def person(user_id: int, stored_name: str, username: str, anonymised_at: datetime | None
           ) -> Person:
    """A Person from `columns()`; an anonymised participant's name as User.display_name shows
    it, in the reader's language."""
    name = (gettext("Deleted participant")
            if anonymised_at is not None and has_request_context() else stored_name)
    return Person(user_id, name, username)


def order() -> tuple:
    """By name, then username, as every list of participants is sorted."""
    return User.stored_name, User.username


