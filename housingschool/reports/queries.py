"""Report queries: always scoped to one organisation, a fixed number of statements each."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership

ATTENDED = ("present", "late")


@dataclass
class HoursRow:
    """One participant's attendance in a date range."""

    user: User
    groups: list[str] = field(default_factory=list)
    sessions: int = 0  # sessions of their groups in the range
    attended: int = 0  # present or late
    minutes: int = 0
    minutes_by_module: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def hours_report(organisation_id: int, start: datetime, end: datetime,
                 group_id: int | None = None) -> list[HoursRow]:
    """Attendance per participant for sessions starting in [start, end), by name.

    A session's minutes count towards the modules it covered, shared equally between them.
    Three statements, whatever the number of participants.
    """
    groups = sa.select(Group.id).where(Group.organisation_id == organisation_id)
    if group_id is not None:
        groups = groups.where(Group.id == group_id)
    members = db.session.execute(
        sa.select(User, Group.id, Group.name).join(Membership, Membership.user_id == User.id)
        .join(Group, Group.id == Membership.group_id)
        .where(Group.id.in_(groups), User.role == "participant")
        .order_by(User.display_name, User.username)).all()
    sessions = db.session.scalars(sa.select(GroupSession).where(
        GroupSession.group_id.in_(groups), GroupSession.starts_at >= start,
        GroupSession.starts_at < end)).all()
    attendance = db.session.scalars(sa.select(Attendance).where(
        Attendance.session_id.in_([s.id for s in sessions]))).all() if sessions else []
    rows, groups_of = {}, defaultdict(set)
    for user, gid, name in members:
        rows.setdefault(user.id, HoursRow(user)).groups.append(name)
        groups_of[user.id].add(gid)
    by_session = {s.id: s for s in sessions}
    for row in rows.values():
        row.sessions = sum(1 for s in sessions if s.group_id in groups_of[row.user.id])
    for mark in attendance:
        row, session = rows.get(mark.user_id), by_session[mark.session_id]
        if row is None or mark.status not in ATTENDED:
            continue
        row.attended += 1
        row.minutes += mark.minutes
        modules = sorted({key.partition("/")[0] for key in session.lessons}) or ["other"]
        for module in modules:
            row.minutes_by_module[module] += mark.minutes / len(modules)
    return list(rows.values())
