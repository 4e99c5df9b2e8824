"""Read queries for the schedule pages: a participant's sessions, a group's progress table.

Everything is read in a handful of queries per page (never one per participant or per cell);
nothing here touches the request or templates.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue, Module
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.learning.services import LessonStatus
from housingschool.teaching.access import (
    STAFF,
    group_participants,
    managed_groups,
    participant_groups,
)
from housingschool.teaching.models import Attendance, Group, GroupSession

INACTIVE_AFTER = timedelta(days=14)
ATTENDED = ("present", "late")
PAST_SESSIONS_SHOWN = 5


def as_utc(moment: datetime | None) -> datetime | None:
    """`moment` as an aware UTC datetime (SQLite hands timestamps back without a zone)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- What a session covers --------------------------------------------------------------------

@dataclass(frozen=True)
class Topic:
    """A module or lesson title, in the language asked for or the course's default."""

    title: str
    language: str
    fallback: bool


def topics(keys: list[str], catalogue: Catalogue, language: str) -> list[Topic]:
    """Titles for a session's "module" and "module/lesson" keys; unknown keys are left out."""
    result = []
    for key in keys:
        module_slug, *lesson_slug = key.split("/", 1)
        item = (catalogue.lesson(module_slug, lesson_slug[0]) if lesson_slug
                else catalogue.module(module_slug))
        if item is not None:
            text = item.text(language)
            result.append(Topic(text.text.title, text.language, text.fallback))
    return result


# --- A participant's sessions -----------------------------------------------------------------

@dataclass(frozen=True)
class SessionItem:
    """One session as a participant's list shows it."""

    session: GroupSession
    group: Group
    topics: list[Topic]
    status: str | None = None  # the participant's own attendance, for past sessions

    @property
    def starts_at(self) -> datetime:
        return as_utc(self.session.starts_at)

    @property
    def ends_at(self) -> datetime:
        return as_utc(self.session.ends_at)


def calendar_groups(user: User) -> sa.Select:
    """Groups whose calendar `user` may download: staff the ones they manage, others their own."""
    return managed_groups(user) if user.role in STAFF else participant_groups(user)


def member_groups(user: User) -> list[Group]:
    """The participant's groups that are not archived, by name."""
    return list(db.session.scalars(
        participant_groups(user).where(Group.archived.is_(False)).order_by(Group.name)))


def _member_sessions(user: User) -> sa.Select:
    groups = participant_groups(user).with_only_columns(Group.id)
    return (sa.select(GroupSession, Group).join(Group, GroupSession.group_id == Group.id)
            .where(Group.id.in_(groups), Group.archived.is_(False)))


def upcoming_sessions(user: User, catalogue: Catalogue, language: str,
                      now: datetime) -> list[SessionItem]:
    """The participant's sessions that have not ended yet, soonest first."""
    rows = db.session.execute(_member_sessions(user).where(GroupSession.ends_at > now)
                              .order_by(GroupSession.starts_at, GroupSession.id))
    return [SessionItem(s, g, topics(s.lessons, catalogue, language)) for s, g in rows]


def past_sessions(user: User, catalogue: Catalogue, language: str, now: datetime,
                  limit: int = PAST_SESSIONS_SHOWN) -> list[SessionItem]:
    """The participant's last few sessions, latest first, with their own attendance if marked."""
    own = sa.and_(Attendance.session_id == GroupSession.id, Attendance.user_id == user.id)
    rows = db.session.execute(
        _member_sessions(user).add_columns(Attendance.status).outerjoin(Attendance, own)
        .where(GroupSession.ends_at <= now)
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc()).limit(limit))
    return [SessionItem(s, g, topics(s.lessons, catalogue, language), status)
            for s, g, status in rows]


def group_sessions(group: Group) -> list[GroupSession]:
    """Every session of a group, in time order."""
    return list(db.session.scalars(sa.select(GroupSession).where(GroupSession.group_id == group.id)
                                   .order_by(GroupSession.starts_at, GroupSession.id)))


# --- A group's progress table -----------------------------------------------------------------

@dataclass(frozen=True)
class ParticipantProgress:
    """One participant's row: lessons, attendance and when they were last active."""

    user: User
    lessons: dict[str, LessonStatus]  # by lesson key, e.g. "waste/sorting-at-home"
    sessions_held: int
    sessions_attended: int
    minutes: int
    last_active: datetime | None
    inactive: bool

    @property
    def lessons_done(self) -> int:
        return sum(status.done for status in self.lessons.values())

    @property
    def attendance_rate(self) -> float | None:
        """Sessions attended (present or late) out of the sessions held so far."""
        return self.sessions_attended / self.sessions_held if self.sessions_held else None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class GroupProgress:
    """The progress table of one group."""

    modules: tuple[Module, ...]
    sessions_held: int
    rows: list[ParticipantProgress]

    @property
    def lesson_count(self) -> int:
        return sum(len(module.lessons) for module in self.modules)

    @property
    def inactive(self) -> list[ParticipantProgress]:
        return [row for row in self.rows if row.inactive]


def _attempts(user_ids: list[int]) -> dict[int, dict[str, tuple]]:
    """Per participant and lesson key: (attempts, best score, first passed at, last submitted)."""
    rows = db.session.execute(
        sa.select(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug,
                  sa.func.count(), sa.func.max(QuizAttempt.score),
                  sa.func.min(sa.case((QuizAttempt.passed, QuizAttempt.submitted_at))),
                  sa.func.max(QuizAttempt.submitted_at))
        .where(QuizAttempt.user_id.in_(user_ids))
        .group_by(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug))
    result: dict[int, dict[str, tuple]] = {}
    for user, module, lesson, *rest in rows:
        result.setdefault(user, {})[f"{module}/{lesson}"] = tuple(rest)
    return result


def _opened(user_ids: list[int]) -> dict[int, dict[str, datetime]]:
    """Per participant and lesson key: when they first opened the lesson."""
    rows = db.session.execute(
        sa.select(LessonProgress.user_id, LessonProgress.module_slug, LessonProgress.lesson_slug,
                  LessonProgress.opened_at).where(LessonProgress.user_id.in_(user_ids)))
    result: dict[int, dict[str, datetime]] = {}
    for user, module, lesson, opened_at in rows:
        result.setdefault(user, {})[f"{module}/{lesson}"] = opened_at
    return result


def _attendance(group: Group, now: datetime) -> tuple[int, dict[int, tuple[int, int]]]:
    """Sessions held so far, and (sessions attended, minutes) per participant."""
    held = sa.and_(GroupSession.group_id == group.id, GroupSession.starts_at <= now)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(GroupSession).where(held))
    attended = Attendance.status.in_(ATTENDED)
    rows = db.session.execute(
        sa.select(Attendance.user_id, sa.func.count(sa.case((attended, 1))),
                  sa.func.sum(sa.case((attended, Attendance.minutes), else_=0)))
        .join(GroupSession, Attendance.session_id == GroupSession.id).where(held)
        .group_by(Attendance.user_id))
    return count, {user: (int(sessions), int(minutes or 0)) for user, sessions, minutes in rows}


def _statuses(lessons, attempts: dict[str, tuple], opened: dict[str, datetime]) -> dict:
    """A LessonStatus per lesson key, by the same rules as a participant's own progress page."""
    statuses = {}
    for lesson in lessons:
        count, best, passed_at, _last = attempts.get(lesson.key, (0, None, None, None))
        statuses[lesson.key] = LessonStatus(lesson, lesson.key in opened or count > 0, count,
                                            best, passed_at)
    return statuses


def last_active(user: User, attempts: dict[str, tuple], opened: dict[str, datetime]):
    """The latest sign-in, lesson opened or quiz submitted, in UTC (None if never)."""
    moments = [user.last_seen_at, *opened.values(), *(row[3] for row in attempts.values())]
    return max((as_utc(m) for m in moments if m is not None), default=None)


def group_progress(group: Group, catalogue: Catalogue, now: datetime) -> GroupProgress:
    """Every participant's lessons, attendance and activity for one group, in 5 queries.

    A participant counts as inactive when nothing happened (sign-in, lesson opened, quiz) for
    INACTIVE_AFTER; someone added recently who never signed in counts from their account's start.
    """
    participants = group_participants(group)
    ids = [user.id for user in participants]
    attempts, opened = _attempts(ids), _opened(ids)
    held, attendance = _attendance(group, now)
    lessons = [lesson for module in catalogue.modules for lesson in module.lessons]
    rows = []
    for user in participants:
        mine, seen = attempts.get(user.id, {}), opened.get(user.id, {})
        last = last_active(user, mine, seen)
        sessions, minutes = attendance.get(user.id, (0, 0))
        rows.append(ParticipantProgress(
            user, _statuses(lessons, mine, seen), held, sessions, minutes, last,
            (last or as_utc(user.created_at)) < now - INACTIVE_AFTER))
    return GroupProgress(catalogue.modules, held, rows)
