"""Report queries: always scoped to one organisation, a fixed number of statements each."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.reports import people
from housingschool.reports.people import Person
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership

ATTENDED = ("present", "late")


@dataclass
class HoursRow:
    """One participant's attendance in a date range."""

    user: Person
    groups: list[str] = field(default_factory=list)
    sessions: int = 0  # sessions of their groups in the range
    attended: int = 0  # present or late
    minutes: int = 0
    minutes_by_module: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def _modules(lessons: list[str]) -> list[str]:
    """The modules a session covered ("other" if none): its minutes are shared between them."""
    return sorted({key.partition("/")[0] for key in lessons}) or ["other"]


def hours_report(organisation_id: int, start: datetime, end: datetime,
                 group_id: int | None = None) -> list[HoursRow]:
    """Attendance per participant for sessions starting in [start, end), by name.

    A session's minutes count towards the modules it covered, shared equally between them.
    Three statements, whatever the number of participants; rows are read as plain tuples,
    one per membership, session and attended mark.
    """
    groups = sa.select(Group.id).where(Group.organisation_id == organisation_id)
    if group_id is not None:
        groups = groups.where(Group.id == group_id)
    members = db.session.execute(
        sa.select(*people.columns(), Group.id, Group.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Group, Group.id == Membership.group_id)
        .where(Group.id.in_(groups), User.role == "participant")
        .order_by(*people.order(), Group.name))
    in_range = sa.and_(GroupSession.group_id.in_(groups), GroupSession.starts_at >= start,
                       GroupSession.starts_at < end)
    sessions = db.session.execute(
        sa.select(GroupSession.id, GroupSession.group_id, GroupSession.lessons).where(in_range))
    held, modules_of = defaultdict(int), {}
    for session_id, gid, lessons in sessions:
        held[gid] += 1
        modules_of[session_id] = _modules(lessons or [])
    rows: dict[int, HoursRow] = {}
    for *person, gid, name in members:
        row = rows.setdefault(person[0], HoursRow(people.person(*person)))
        row.groups.append(name)
        row.sessions += held[gid]
    marks = db.session.execute(
        sa.select(Attendance.user_id, Attendance.session_id, Attendance.minutes)
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(in_range, Attendance.status.in_(ATTENDED)))
    for user_id, session_id, minutes in marks:
        row = rows.get(user_id)
        if row is None:
            continue
        row.attended += 1
        row.minutes += minutes
        modules = modules_of[session_id]
        for module in modules:
            row.minutes_by_module[module] += minutes / len(modules)
    return list(rows.values())
