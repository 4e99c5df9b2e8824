"""Teaching rules: groups, accounts in bulk, sessions, attendance and self check-in.

Services take and return plain objects; they raise TeachingError with a rule code that the
routes turn into a message in the user's language.
"""

import re
import secrets
import unicodedata
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from housingschool.accounts.models import User
from housingschool.accounts.pictures import random_pictures
from housingschool.accounts.services import (
    COMMON_PINS,
    create_user,
    new_join_code,
    set_pictures,
    set_secret,
)
from housingschool.extensions import db
from housingschool.teaching.models import (
    Attendance,
    AttendanceChange,
    Group,
    GroupSession,
    Membership,
)

LATE_MINUTES_MISSED = 15  # a late arrival's default: the session length less this


class TeachingError(ValueError):
    """A request the rules do not allow; `code` says which rule, `detail` what was wrong."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


# -- groups ------------------------------------------------------------------------------------

def create_group(teacher: User, name: str, languages: list[str], starts_on: date | None,
                 ends_on: date | None) -> Group:
    """A new group in the teacher's organisation, taught by the teacher."""
    name = (name or "").strip()
    if starts_on and ends_on and ends_on < starts_on:
        raise TeachingError("dates_order")
    if db.session.scalar(sa.select(Group.id).where(
            Group.organisation_id == teacher.organisation_id, Group.name == name)):
        raise TeachingError("group_name_taken")
    group = Group(organisation_id=teacher.organisation_id, name=name, languages=languages,
                  starts_on=starts_on, ends_on=ends_on, join_code=new_join_code())
    db.session.add(group)
    if teacher.role == "teacher":
        db.session.add(Membership(group=group, user=teacher))
    db.session.flush()
    return group


def archive_group(group: Group) -> None:
    """Archive a group: its join code stops working; its records stay."""
    group.archived = True


# -- participants ------------------------------------------------------------------------------

def parse_names(text: str) -> list[str]:
    """One name per line; blank lines ignored. Raise TeachingError for an empty paste or
    names that appear twice (the teacher must tell them apart, e.g. "Amina H.")."""
    names = [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]
    if not names:
        raise TeachingError("names_empty")
    seen, twice = set(), []
    for name in names:
        if name.casefold() in seen and name not in twice:
            twice.append(name)
        seen.add(name.casefold())
    if twice:
        raise TeachingError("names_duplicate", ", ".join(twice))
    if any(len(name) > 60 for name in names):
        raise TeachingError("name_too_long")
    return names


def new_pin() -> str:
    """A random 6-digit PIN that is not one of the easy ones."""
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        if pin not in COMMON_PINS and len(set(pin)) > 2:
            return pin


def username_for(name: str) -> str:
    """A free username made from the first name (a-z only), e.g. "amina" or "amina2"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]", "", ascii_name.split()[0].lower() if ascii_name.split() else "")
    base = base[:20] if len(base) >= 3 else f"deltaker{base}"
    taken = set(db.session.scalars(
        sa.select(User.username).where(User.username.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, 10_000) if f"{base}{n}" not in taken)


def add_participants(group: Group, names: list[str]) -> list[tuple[User, str]]:
    """Create an account with a fresh PIN for each name, in the group; (user, PIN) pairs."""
    created = []
    for name in names:
        pin = new_pin()
        user = create_user(group.organisation, username_for(name), name, "participant", pin,
                           group=group)
        created.append((user, pin))
    return created


def reset_pin(user: User) -> str:
    """Give a participant a new PIN and return it (shown once to the teacher)."""
    pin = new_pin()
    set_secret(user, pin)
    return pin


def reset_pictures(user: User) -> tuple[str, ...]:
    """Give a participant a new picture password, three random pictures, and return them in
    order (shown once to the teacher, for the login card)."""
    choice = random_pictures()
    set_pictures(user, choice)
    return choice


def move_participant(user: User, source: Group, target: Group) -> None:
    """Move a participant from one group to another of the same organisation."""
    if target.id == source.id or target.organisation_id != source.organisation_id:
        raise TeachingError("move_target")
    membership = db.session.scalar(sa.select(Membership).filter_by(
        group_id=source.id, user_id=user.id))
    if membership is None:
        raise TeachingError("not_member")
    if db.session.scalar(sa.select(Membership.id).filter_by(group_id=target.id, user_id=user.id)):
        db.session.delete(membership)
    else:
        membership.group_id = target.id


# -- sessions ----------------------------------------------------------------------------------

def plan_session(group: Group, starts_at: datetime, ends_at: datetime, place: str,
                 lessons: list[str], interpreter_languages: list[str], notes: str,
                 catalogue, session: GroupSession | None = None) -> GroupSession:
    """Plan (or change) a session; raise TeachingError for end before start or unknown lessons."""
    if ends_at <= starts_at:
        raise TeachingError("end_before_start")
    unknown = [key for key in lessons if not _known_lesson(catalogue, key)]
    if unknown:
        raise TeachingError("unknown_lesson", ", ".join(unknown))
    session = session or GroupSession(group=group)
    session.starts_at, session.ends_at = starts_at, ends_at
    session.place, session.notes = (place or "").strip(), (notes or "").strip()
    session.lessons, session.interpreter_languages = lessons, interpreter_languages
    db.session.add(session)
    db.session.flush()
    return session


def _known_lesson(catalogue, key: str) -> bool:
    module_slug, _, lesson_slug = key.partition("/")
    module = catalogue.module(module_slug)
    return module is not None and (not lesson_slug or module.lesson(lesson_slug) is not None)


def sessions_of(group: Group, now: datetime) -> tuple[list[GroupSession], list[GroupSession]]:
    """The group's (upcoming, past) sessions: upcoming soonest first, past latest first."""
    sessions = db.session.scalars(sa.select(GroupSession).where(
        GroupSession.group_id == group.id).order_by(GroupSession.starts_at)).all()
    upcoming = [s for s in sessions if _aware(s.ends_at) >= now]
    past = [s for s in reversed(sessions) if _aware(s.ends_at) < now]
    return upcoming, past


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- attendance --------------------------------------------------------------------------------

def default_minutes(session: GroupSession, status: str) -> int:
    """Minutes attended by default: all for present, less for late, none otherwise."""
    if status == "present":
        return session.minutes
    if status == "late":
        return max(0, session.minutes - LATE_MINUTES_MISSED)
    return 0


def mark_attendance(session: GroupSession, user: User, status: str, minutes: int | None,
                    by: User, method: str = "teacher", device_id: str | None = None,
                    unless: tuple[str, ...] = ()) -> Attendance:
    """Set a participant's attendance, unless its status already is one of `unless`, and keep
    the change in the history.

    Two requests for one participant at once (two teachers, two phones) take turns: the row
    is read locked, and when both would insert it, the later one changes the other's row.
    """
    minutes = default_minutes(session, status) if minutes is None else max(
        0, min(minutes, session.minutes))
    row = _locked_row(session, user)
    old_status, old_minutes = (row.status, row.minutes) if row else (None, None)
    if row is None:
        row = _inserted_row(session, user, status, minutes, method, by)
    if row is None:  # inserted by another request at this very moment
        row = _locked_row(session, user)
        old_status, old_minutes = row.status, row.minutes
    if old_status in unless:
        return row
    row.status, row.minutes, row.method = status, minutes, method
    row.marked_by_id, row.marked_at, row.device_id = by.id, datetime.now(UTC), device_id
    db.session.flush()
    db.session.add(AttendanceChange(attendance_id=row.id, changed_by_id=by.id,
                                    old_status=old_status, new_status=status,
                                    old_minutes=old_minutes, new_minutes=minutes, method=method))
    return row


def _locked_row(session: GroupSession, user: User) -> Attendance | None:
    """The participant's row, read afresh and locked until commit (PostgreSQL; SQLite lets
    one writer in at a time anyway), so a change starts from the one before it."""
    return db.session.scalar(
        sa.select(Attendance).filter_by(session_id=session.id, user_id=user.id)
        .with_for_update(key_share=True).execution_options(populate_existing=True))


def _inserted_row(session: GroupSession, user: User, status: str, minutes: int, method: str,
                  by: User) -> Attendance | None:
    """A new row, or None when another request inserted one first (PostgreSQL waits for
    that one to commit; then the unique constraint refuses this insert)."""
    row = Attendance(session_id=session.id, user_id=user.id, status=status, minutes=minutes,
                     method=method, marked_by_id=by.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def attendance_rows(session: GroupSession) -> dict[int, Attendance]:
    """The session's attendance by participant id."""
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id))
    return {row.user_id: row for row in rows}


def attendance_history(session: GroupSession) -> list[AttendanceChange]:
    """Every change to the session's attendance, newest first."""
    return list(db.session.scalars(
        sa.select(AttendanceChange).join(Attendance)
        .where(Attendance.session_id == session.id)
        .order_by(AttendanceChange.changed_at.desc(), AttendanceChange.id.desc())))


# -- self check-in -----------------------------------------------------------------------------

def new_checkin_code() -> str:
    """A 4-digit code: quick to type on a phone, read aloud or copy from a projector."""
    return f"{secrets.randbelow(10_000):04d}"


def open_checkin(session: GroupSession) -> None:
    """Open self check-in with a fresh code (a new code also locks out a shared old one)."""
    session.checkin_code = new_checkin_code()
    session.checkin_open = True


def close_checkin(session: GroupSession) -> None:
    """Close self check-in."""
    session.checkin_open = False


def checkin_is_open(session: GroupSession, now: datetime) -> bool:
    """Open while the teacher keeps it open and the session has not ended."""
    return session.checkin_open and now <= _aware(session.ends_at)


def check_in(user: User, code: str, device_id: str, now: datetime) -> GroupSession:
    """Mark the participant present at the open session of their group with this code."""
    code = re.sub(r"\s", "", code or "")
    candidates = db.session.scalars(sa.select(GroupSession).where(
        GroupSession.checkin_code == code, GroupSession.checkin_open.is_(True))).all()
    if not candidates:
        raise TeachingError("checkin_wrong_code")
    member_of = set(db.session.scalars(sa.select(Membership.group_id).where(
        Membership.user_id == user.id)))
    mine = [s for s in candidates if s.group_id in member_of]
    if not mine:
        raise TeachingError("checkin_not_member")
    session = mine[0]
    if not checkin_is_open(session, now):
        raise TeachingError("checkin_closed")
    used = db.session.scalar(sa.select(Attendance.id).where(
        Attendance.session_id == session.id, Attendance.device_id == device_id,
        Attendance.user_id != user.id))
    if used:
        raise TeachingError("checkin_device_used")
    # Checking in again (or on two phones at once) leaves a present or late mark as it is.
    mark_attendance(session, user, "present", None, by=user, method="self", device_id=device_id,
                    unless=("present", "late"))
    return session
