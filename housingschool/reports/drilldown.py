"""Drilling down from the overview: one group's participants, and one participant in full.

A fixed number of statements per page: the group page reuses the teacher's progress table
(teaching/progress.py), the participant page the participant's own progress (learning/services).
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue, Module
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress
from housingschool.learning.services import ModuleStatus, progress
from housingschool.reports import followup
from housingschool.reports.followup import Reason
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership
from housingschool.teaching.progress import (
    GroupProgress,
    ParticipantProgress,
    as_utc,
    group_progress,
)

ATTENDED = ("present", "late")


def modules_done(row: ParticipantProgress, modules: tuple[Module, ...]) -> int:
    """How many modules a row of the progress table has completed (all lessons done)."""
    return sum(all(row.lessons[lesson.key].done for lesson in module.lessons)
               for module in modules)


@dataclass(frozen=True)
class GroupReport:
    """A group's progress table and who in it needs follow-up."""

    group: Group
    progress: GroupProgress
    reasons: dict[int, list[Reason]]  # by user id, only those who need follow-up

    @property
    def follow_up(self) -> list[tuple[ParticipantProgress, list[Reason]]]:
        return [(row, self.reasons[row.user.id]) for row in self.progress.rows
                if row.user.id in self.reasons]

    def modules_done(self, row: ParticipantProgress) -> int:
        return modules_done(row, self.progress.modules)


def group_report(group: Group, catalogue: Catalogue, now: datetime) -> GroupReport:
    """The group page: the progress table (5 statements) and follow-up reasons (3)."""
    members = sa.select(Membership.user_id).where(Membership.group_id == group.id)
    users = followup.followed(group.organisation_id).where(User.id.in_(members))
    reasons = followup.reasons(users, sa.select(sa.literal(group.id)), catalogue, now)
    return GroupReport(group, group_progress(group, catalogue, now), reasons)


def get_participant_or_404(user_id: int, organisation_id: int) -> User:
    """A participant of this organisation; anyone else (or another organisation's) is a 404."""
    user = db.session.scalar(sa.select(User).where(
        User.id == user_id, User.organisation_id == organisation_id, User.role == "participant"))
    if user is None:
        abort(404)
    return user


@dataclass(frozen=True)
class SessionLine:
    """One session of the participant's groups, with their attendance if marked."""

    session: GroupSession
    group: Group
    status: str | None
    minutes: int
    held: bool  # it has started

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


@dataclass(frozen=True)
class ParticipantReport:
    """Everything the participant page shows."""

    user: User
    groups: list[Group]
    modules: dict[str, ModuleStatus]
    opened: dict[str, datetime]  # lesson key -> first opened
    sessions: list[SessionLine]  # latest first
    reasons: list[Reason]

    @property
    def group_names(self) -> dict[int, str]:
        return {group.id: group.name for group in self.groups}

    @property
    def lessons_done(self) -> int:
        return sum(m.lessons_done for m in self.modules.values())

    @property
    def lesson_count(self) -> int:
        return sum(len(m.lessons) for m in self.modules.values())

    @property
    def modules_done(self) -> int:
        return sum(m.done for m in self.modules.values())

    @property
    def attended(self) -> int:
        return sum(line.attended for line in self.sessions)

    @property
    def minutes(self) -> int:
        return sum(line.minutes for line in self.sessions if line.attended)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def participant_report(user: User, catalogue: Catalogue, now: datetime) -> ParticipantReport:
    """One participant's lessons, sessions, hours and follow-up reasons, in 8 statements.

    Sessions are those of the groups they belong to, and any other session they were marked
    at (for instance before they moved to another group).
    """
    member_of = sa.select(Membership.group_id).where(Membership.user_id == user.id)
    groups = list(db.session.scalars(sa.select(Group).where(Group.id.in_(member_of))
                                     .order_by(Group.name)))
    opened = {f"{m}/{lesson}": at for m, lesson, at in db.session.execute(
        sa.select(LessonProgress.module_slug, LessonProgress.lesson_slug, LessonProgress.opened_at)
        .where(LessonProgress.user_id == user.id))}
    mine = sa.and_(Attendance.session_id == GroupSession.id, Attendance.user_id == user.id)
    marked = sa.select(Attendance.session_id).where(Attendance.user_id == user.id)
    rows = db.session.execute(
        sa.select(GroupSession, Group, Attendance.status, Attendance.minutes)
        .join(Group, Group.id == GroupSession.group_id).outerjoin(Attendance, mine)
        .where(sa.or_(GroupSession.group_id.in_(member_of), GroupSession.id.in_(marked)))
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc()))
    sessions = [SessionLine(s, g, status, minutes or 0, as_utc(s.starts_at) <= now)
                for s, g, status, minutes in rows]
    users = followup.followed(user.organisation_id).where(User.id == user.id)
    reasons = followup.reasons(users, member_of, catalogue, now).get(user.id, [])
    return ParticipantReport(user, groups, progress(user.id, catalogue), opened, sessions,
                             reasons)
