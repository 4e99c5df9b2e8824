"""Picture passwords: three of twelve pictures, in order, for people who find typing hard.

The pictures are drawn in static/img/pictures.svg (one <symbol> per id). What is hashed is a
canonical string of their positions in PICTURES, e.g. "pic:1-5-3": never reorder PICTURES, or
every picture password stops working. 12 x 11 x 10 = 1,320 different picture passwords.
"""

import secrets
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l

PICTURES = {
    "house": _l("House"),
    "key": _l("Key"),
    "sun": _l("Sun"),
    "tree": _l("Tree"),
    "cat": _l("Cat"),
    "fish": _l("Fish"),
    "car": _l("Car"),
    "bike": _l("Bicycle"),
    "cup": _l("Cup"),
    "star": _l("Star"),
    "flower": _l("Flower"),
    "boat": _l("Boat"),
}
PICTURE_IDS = tuple(PICTURES)
LENGTH = 3
PREFIX = "pic:"
KIND = "pictures"  # User.secret_kind of an account that signs in with pictures


def pictures_problem(choice: Sequence[str]) -> str | None:
    """Why these pictures cannot be a picture password (a rule code), or None."""
    choice = list(choice or ())
    if len(choice) != LENGTH or not all(c in PICTURES for c in choice):
        return "pictures_missing"
    if len(set(choice)) != LENGTH:
        return "pictures_repeated"
    return None


def canonical(choice: Sequence[str]) -> str:
    """The string that is hashed for these pictures, e.g. "pic:1-5-3"."""
    return PREFIX + "-".join(str(PICTURE_IDS.index(c) + 1) for c in choice)


def random_pictures() -> tuple[str, ...]:
    """Three different pictures chosen at random, for a new picture password from the teacher."""
    return tuple(secrets.SystemRandom().sample(PICTURE_IDS, LENGTH))


def picture_names(choice: Sequence[str]) -> list[str]:
    """The pictures' names in the reader's language, in order."""
    return [str(PICTURES[c]) for c in choice]
