"""One-time set-up and reset codes for staff accounts (no email needed).

A coordinator or admin makes a code and passes it on in person or by phone; the staff member
uses it once, within a week, to choose a password at /reset. Only a sha256 hash is stored.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from housingschool.accounts.models import ResetCode, User
from housingschool.accounts.services import normalise_username, set_secret
from housingschool.extensions import db

# No 0/O, 1/I/L: the code is read aloud or copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BLOCKS, BLOCK_LENGTH = 3, 4
VALID_FOR = timedelta(days=7)


@dataclass(frozen=True)
class NewCode:
    """A code just made: the only moment its clear text exists."""

    user: User
    code: str  # formatted for reading, e.g. "K7QM-3RTX-9PHA"
    expires_at: datetime


def normalise_code(code: str) -> str:
    """Codes are typed from paper: ignore case, spaces and dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def code_hash(code: str) -> str:
    """The stored form of a code: sha256 of its normalised text, in hex."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _random_code() -> str:
    blocks = ("".join(secrets.choice(ALPHABET) for _ in range(BLOCK_LENGTH))
              for _ in range(BLOCKS))
    return "-".join(blocks)


def make_code(user: User, made_by: User | None, now: datetime | None = None) -> NewCode:
    """Make a one-time code for `user`; their earlier unused codes stop working."""
    now = now or datetime.now(UTC)
    db.session.execute(
        sa.update(ResetCode)
        .where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None),
               ResetCode.expires_at > now)
        .values(expires_at=now))
    code = _random_code()
    db.session.add(ResetCode(user_id=user.id, code_hash=code_hash(code),
                             created_by_id=made_by.id if made_by else None,
                             created_at=now, expires_at=now + VALID_FOR))
    db.session.flush()
    return NewCode(user=user, code=code, expires_at=now + VALID_FOR)


def cancel_codes(user: User, now: datetime | None = None) -> None:
    """Make every unused code of `user` stop working (e.g. when the account is switched off)."""
    now = now or datetime.now(UTC)
    db.session.execute(
        sa.update(ResetCode)
        .where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None),
               ResetCode.expires_at > now)
        .values(expires_at=now))


def find_valid_code(username: str, code: str, now: datetime | None = None) -> ResetCode | None:
    """The unused, unexpired code `code` of the active account `username`, or None.

    One query for every way of being wrong, so the answer does not tell which part was.
    """
    now = now or datetime.now(UTC)
    found = db.session.scalar(
        sa.select(ResetCode).join(User, User.id == ResetCode.user_id)
        .where(User.username == normalise_username(username),
               ResetCode.code_hash == code_hash(code),
               ResetCode.used_at.is_(None), ResetCode.expires_at > now,
               User.active.is_(True), User.anonymised_at.is_(None)))
    return found


def redeem(reset_code: ResetCode, secret: str, now: datetime | None = None) -> User:
    """Set the new password or PIN and use up the code; AccountError if the secret is weak."""
    set_secret(reset_code.user, secret)
    reset_code.used_at = now or datetime.now(UTC)
    return reset_code.user


def open_codes(user_ids: list[int], now: datetime | None = None) -> dict[int, datetime]:
    """For each of these users with a code still waiting to be used: when it expires."""
    if not user_ids:
        return {}
    now = now or datetime.now(UTC)
    rows = db.session.execute(
        sa.select(ResetCode.user_id, sa.func.max(ResetCode.expires_at))
        .where(ResetCode.user_id.in_(user_ids), ResetCode.used_at.is_(None),
               ResetCode.expires_at > now)
        .group_by(ResetCode.user_id))
    return dict(rows.all())
