"""The coordinators' overview: participants, activity, completion and attendance for a range.

Every number is counted in SQL (GROUP BY), so the overview costs the same eight statements for
a hundred participants or ten thousand. Completion comes from ModuleCompletion (one row per
module completed); of the quiz attempts, the largest table, only failed ones are read.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.reports import followup
from housingschool.reports.completion import modules_done, participants
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership

ATTENDED = ("present", "late")


def rate(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class ModuleLine:
    """One module: how many participants had completed it by the end of the range."""

    slug: str
    completed: int  # by the end of the range
    completed_in_range: int
    participants: int

    @property
    def rate(self) -> float | None:
        return rate(self.completed, self.participants)


@dataclass(frozen=True)
class GroupLine:
    """One group's numbers for the range."""

    group_id: int
    name: str
    archived: bool
    participants: int
    modules_done: int  # modules completed by its participants, by the end of the range
    module_count: int
    sessions_held: int  # sessions in the range that have started
    attended: int  # present or late marks at those sessions
    follow_up: int  # participants who need follow-up now

    @property
    def completion_rate(self) -> float | None:
        """Modules done out of all the modules all its participants could have done."""
        return rate(self.modules_done, self.participants * self.module_count)

    @property
    def expected(self) -> int:
        """Attendance marks there would be if everyone came to every session held."""
        return self.sessions_held * self.participants

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.attended, self.expected)


@dataclass(frozen=True)
class Overview:
    """What the overview page shows."""

    participants: int
    active: int
    completed_in_range: int
    follow_up: int
    modules: list[ModuleLine]
    groups: list[GroupLine]


def _active(users: sa.Select, start: datetime, end: datetime) -> int:
    """Participants who opened a lesson, took a quiz or attended a session in [start, end)."""
    did = sa.union(
        sa.select(LessonProgress.user_id.label("user_id")).where(
            LessonProgress.opened_at >= start, LessonProgress.opened_at < end),
        sa.select(QuizAttempt.user_id).where(
            QuizAttempt.submitted_at >= start, QuizAttempt.submitted_at < end),
        sa.select(Attendance.user_id).join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(Attendance.status.in_(ATTENDED), GroupSession.starts_at >= start,
               GroupSession.starts_at < end)).subquery("did")
    return db.session.scalar(sa.select(sa.func.count()).select_from(did)
                             .where(did.c.user_id.in_(users)))


@dataclass
class _People:
    """The organisation's participants and their groups, read once (one row per membership)."""

    counted: set[int] = field(default_factory=set)  # accounts made before the end of the range
    followed: set[int] = field(default_factory=set)  # can still sign in
    members: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # by group


def _people(organisation_id: int, end: datetime) -> _People:
    """Every participant with their groups: one row per membership (or one if in none)."""
    people = _People()
    for user_id, group_id, counted, followed in db.session.execute(
            sa.select(User.id, Membership.group_id, User.created_at < end,
                      sa.and_(User.active, User.anonymised_at.is_(None)))
            .outerjoin(Membership, Membership.user_id == User.id)
            .where(User.organisation_id == organisation_id, User.role == "participant")):
        if counted:
            people.counted.add(user_id)
        if followed:
            people.followed.add(user_id)
        if group_id is not None:
            people.members[group_id].add(user_id)
    return people


def _completion(organisation_id: int, catalogue: Catalogue, start: datetime,
                end: datetime) -> tuple[dict, dict, set[int]]:
    """Modules completed per module (by `end`, and within the range), per group (by `end`),
    and who failed a lesson's quiz FAILED_TRIES+ times without passing it: one statement,
    reading the module completions and only the failed quiz attempts."""
    everyone = participants(organisation_id)
    done = modules_done(everyone.where(User.created_at < end), catalogue).subquery("done")
    by_end = done.c.completed_at < end
    in_range = sa.and_(by_end, done.c.completed_at >= start)
    failing = followup.failing(everyone, catalogue).subquery("failing")
    no_id, no_slug = sa.null().cast(sa.Integer), sa.null().cast(sa.String)
    rows = db.session.execute(sa.union_all(
        sa.select(sa.literal("module"), done.c.module_slug, no_id,
                  sa.func.count(sa.case((by_end, 1))), sa.func.count(sa.case((in_range, 1))))
        .group_by(done.c.module_slug),
        sa.select(sa.literal("group"), no_slug, Membership.group_id,
                  sa.func.count(), sa.literal(0))
        .join(done, done.c.user_id == Membership.user_id).where(by_end)
        .group_by(Membership.group_id),
        sa.select(sa.literal("failing"), no_slug, failing.c.user_id,
                  sa.literal(0), sa.literal(0)).distinct()))
    per_module, per_group, failed = {}, {}, set()
    for kind, slug, ident, first, second in rows:
        if kind == "module":
            per_module[slug] = (int(first), int(second))
        elif kind == "group":
            per_group[ident] = int(first)
        else:
            failed.add(ident)
    return per_module, per_group, failed


def _follow_up(organisation_id: int, people: _People, failing: set[int],
               now: datetime) -> tuple[int, dict[int, int]]:
    """How many participants need follow-up, in all and per group (two small statements)."""
    users = followup.followed(organisation_id)
    flagged = (set(db.session.scalars(followup.inactive(users, now))) | failing) & people.followed
    groups = sa.select(Group.id).where(Group.organisation_id == organisation_id)
    absent = defaultdict(set)
    for group_id, user_id in db.session.execute(followup.absent(groups, now)):
        if user_id in people.followed:
            absent[group_id].add(user_id)
    per_group = {gid: len((members & flagged) | (members & absent[gid]))
                 for gid, members in people.members.items()}
    return len(flagged.union(*absent.values())), per_group


def _per_group(query: sa.Select) -> dict[int, int]:
    return {group_id: int(count) for group_id, count in db.session.execute(query)}


def overview(organisation_id: int, catalogue: Catalogue, start: datetime, end: datetime,
             now: datetime) -> Overview:
    """The organisation's numbers for [start, end); completion is counted as of `end`.

    Participants are those whose account existed before `end`; follow-up is as of `now`.
    Eight statements, whatever the number of participants: every large table is aggregated in
    SQL; Python only sorts out one row per membership.
    """
    people = _people(organisation_id, end)
    per_module, per_group, failing = _completion(organisation_id, catalogue, start, end)
    total = len(people.counted)
    modules = [ModuleLine(m.slug, *per_module.get(m.slug, (0, 0)), total)
               for m in catalogue.modules]
    groups = db.session.execute(
        sa.select(Group.id, Group.name, Group.archived)
        .where(Group.organisation_id == organisation_id).order_by(Group.name)).all()
    group_ids = sa.select(Group.id).where(Group.organisation_id == organisation_id)
    held = sa.and_(GroupSession.starts_at >= start, GroupSession.starts_at < end,
                   GroupSession.starts_at <= now, GroupSession.group_id.in_(group_ids))
    sessions = _per_group(sa.select(GroupSession.group_id, sa.func.count()).where(held)
                          .group_by(GroupSession.group_id))
    # Joins, not IN (participants): SQLite would look every participant up for every session.
    attended = _per_group(
        sa.select(GroupSession.group_id, sa.func.count())
        .join(Attendance, Attendance.session_id == GroupSession.id)
        .join(Membership, sa.and_(Membership.group_id == GroupSession.group_id,
                                  Membership.user_id == Attendance.user_id))
        .join(User, User.id == Attendance.user_id)
        .where(held, Attendance.status.in_(ATTENDED), User.role == "participant",
               User.created_at < end)
        .group_by(GroupSession.group_id))
    follow_up, follow_up_by_group = _follow_up(organisation_id, people, failing, now)
    lines = [GroupLine(gid, name, archived, len(people.members[gid] & people.counted),
                       per_group.get(gid, 0), len(modules), sessions.get(gid, 0),
                       attended.get(gid, 0), follow_up_by_group.get(gid, 0))
             for gid, name, archived in groups]
    counted = participants(organisation_id).where(User.created_at < end)
    return Overview(total, _active(counted, start, end),
                    sum(m.completed_in_range for m in modules), follow_up, modules, lines)
