"""Accounts: creating users, checking passwords and PINs, joining a group with its code."""

import re
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from housingschool.accounts.models import ROLES, Organisation, User
from housingschool.accounts.pictures import KIND as PICTURES_KIND
from housingschool.accounts.pictures import canonical, pictures_problem
from housingschool.extensions import db
from housingschool.teaching.models import Group, Membership

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
MIN_PIN_DIGITS = 6
MIN_PASSWORD_LENGTH = 8
# PINs people pick first; refusing them makes guessing much slower.
COMMON_PINS = {"123456", "654321", "123123", "121212", "112233", "111222", "102030", "123321",
               "696969", "159753", "147258", "123654", "789456", "246810", "135790"}
# Compared against when a username does not exist, so a wrong username takes as long as a
# wrong password and does not reveal which usernames exist.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


class AccountError(ValueError):
    """A request the rules do not allow; `code` says which rule (the route words it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive and ignore surrounding spaces."""
    return (username or "").strip().lower()


def username_problem(username: str) -> str | None:
    """Why a username cannot be used (a rule code), or None."""
    if not USERNAME.match(normalise_username(username)):
        return "username_format"
    if db.session.scalar(sa.select(User.id).where(User.username == normalise_username(username))):
        return "username_taken"
    return None


def secret_problem(secret: str) -> str | None:
    """Why a password or PIN is too weak (a rule code), or None.

    Only digits: a PIN of at least 6 digits, not one of the most common ones, not one digit
    repeated. Anything else: a password of at least 8 characters.
    """
    secret = secret or ""
    if secret.isdigit():
        if len(secret) < MIN_PIN_DIGITS:
            return "pin_short"
        if secret in COMMON_PINS or len(set(secret)) == 1:
            return "pin_easy"
        return None
    return "password_short" if len(secret) < MIN_PASSWORD_LENGTH else None


def hash_secret(secret: str) -> str:
    """A salted hash of a password or PIN (scrypt unless the settings say otherwise)."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(organisation: Organisation, username: str, display_name: str, role: str,
                secret: str | None, *, pictures: Sequence[str] | None = None,
                language: str | None = None, group: Group | None = None) -> User:
    """Add a user (and their group membership); raise AccountError if a rule is broken.

    The user signs in with `secret` (a password or PIN), or with `pictures` when given.
    """
    if role not in ROLES:
        raise AccountError("role_unknown")
    secret_rule = (pictures_problem(pictures) if pictures is not None
                   else secret_problem(secret))
    for problem in (username_problem(username), secret_rule):
        if problem:
            raise AccountError(problem)
    display_name = (display_name or "").strip()
    if not display_name:
        raise AccountError("display_name_missing")
    user = User(organisation=organisation, username=normalise_username(username),
                display_name=display_name[:80], role=role, language=language)
    if pictures is not None:
        set_pictures(user, pictures)
    else:
        set_secret(user, secret)
    try:
        # A savepoint: when two people take the same username at the same moment, the second
        # insert fails on the unique constraint and is told "taken", like a name taken earlier.
        with db.session.begin_nested():
            db.session.add(user)
            if group is not None:
                db.session.add(Membership(group=group, user=user))
    except sa.exc.IntegrityError:
        raise AccountError("username_taken") from None
    return user


def set_secret(user: User, secret: str) -> None:
    """Give the user a new password or PIN; raise AccountError if it is too weak."""
    problem = secret_problem(secret)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_secret(secret)
    user.secret_kind = "pin" if secret.isdigit() else "password"


def set_pictures(user: User, choice: Sequence[str]) -> None:
    """Give the user a picture password (3 different pictures, in order) instead of a PIN;
    raise AccountError if the choice is not that."""
    problem = pictures_problem(choice)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_secret(canonical(choice))
    user.secret_kind = PICTURES_KIND


def authenticate(username: str, secret: str) -> User | None:
    """The user with this username and password or PIN, or None.

    Accounts with a picture password sign in only with pictures (see authenticate_pictures).
    """
    return _check(username, secret or "", lambda user: user.secret_kind != PICTURES_KIND)


def authenticate_pictures(username: str, choice: Sequence[str]) -> User | None:
    """The user with this username and picture password, or None."""
    if pictures_problem(choice):
        return _check(username, "", lambda user: False)
    return _check(username, canonical(choice),
                  lambda user: user.secret_kind == PICTURES_KIND)


def _check(username: str, secret: str, kind_fits) -> User | None:
    """The user if `secret` matches their hash and their kind of secret fits; every path
    computes one hash, so the answer time does not tell which usernames exist."""
    user = db.session.scalar(sa.select(User).where(User.username == normalise_username(username)))
    if user is None or not kind_fits(user):
        check_password_hash(_DUMMY_HASH, secret)
        return None
    return user if check_password_hash(user.password_hash, secret) else None


def normalise_join_code(code: str) -> str:
    """Join codes are read out in class: ignore case, spaces and dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def find_open_group(code: str) -> Group | None:
    """The group a join code opens, if it exists and is not archived."""
    code = normalise_join_code(code)
    if not code or "\x00" in code:  # PostgreSQL cannot compare text with NUL in it
        return None
    return db.session.scalar(
        sa.select(Group).where(Group.join_code == code, Group.archived.is_(False)))


def new_join_code() -> str:
    """A join code that is easy to read aloud and type: 8 letters and digits, no look-alikes."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        if not db.session.scalar(sa.select(Group.id).where(Group.join_code == code)):
            return code


def find_organisation(slug: str | None) -> Organisation | None:
    """The organisation with this slug; with no slug, the only organisation if there is one."""
    if slug:
        return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    organisations = db.session.scalars(sa.select(Organisation).limit(2)).all()
    return organisations[0] if len(organisations) == 1 else None
