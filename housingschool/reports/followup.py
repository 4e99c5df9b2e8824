"""Who needs follow-up, and why: a few SQL queries for a whole organisation, group or person.

Three reasons, each a query that returns only the people it concerns:
- inactive: no sign-in, lesson opened or quiz for INACTIVE_AFTER (as on the teacher's page);
- quiz: FAILED_TRIES or more failed attempts at a lesson that is not passed yet;
- absent: marked absent at the two most recent sessions their group has held.
Only participants who can still sign in are followed up (not deactivated or anonymised ones).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.reports.completion import in_course
from housingschool.teaching.models import Attendance, GroupSession
from housingschool.teaching.progress import INACTIVE_AFTER

FAILED_TRIES = 2
ABSENT_IN_A_ROW = 2


@dataclass(frozen=True)
class Reason:
    """Why one participant needs follow-up."""

    kind: str  # "inactive", "quiz" or "absent"
    lesson_key: str | None = None  # quiz: e.g. "waste/which-bin"
    tries: int = 0  # quiz: failed attempts
    group_id: int | None = None  # absent: the group whose sessions they missed


def followed(organisation_id: int) -> sa.Select:
    """Ids of the organisation's participants who can still sign in."""
    return sa.select(User.id).where(User.organisation_id == organisation_id,
                                    User.role == "participant", User.active,
                                    User.anonymised_at.is_(None))


def inactive(users: sa.Select, now: datetime) -> sa.Select:
    """Ids among `users` with no sign-in, lesson opened or quiz since INACTIVE_AFTER ago.

    Someone who never signed in counts from the day their account was made.
    """
    cutoff = now - INACTIVE_AFTER
    # NOT EXISTS, not NOT IN: PostgreSQL turns it into an anti-join.
    return sa.select(User.id).where(
        User.id.in_(users),
        sa.func.coalesce(User.last_seen_at, User.created_at) < cutoff,
        ~sa.exists().where(LessonProgress.user_id == User.id,
                           LessonProgress.opened_at >= cutoff),
        ~sa.exists().where(QuizAttempt.user_id == User.id, QuizAttempt.submitted_at >= cutoff))


def failing(users: sa.Select, catalogue: Catalogue) -> sa.Select:
    """(user_id, module_slug, lesson_slug, tries): lessons failed FAILED_TRIES+ times and not
    passed since.

    Reads only failed attempts (a partial index holds just those), groups them, and looks a
    pass up for the few lessons failed often enough: most attempts are never touched.
    """
    passed = aliased(QuizAttempt)
    passed_since = sa.exists().where(
        passed.user_id == QuizAttempt.user_id, passed.module_slug == QuizAttempt.module_slug,
        passed.lesson_slug == QuizAttempt.lesson_slug, passed.passed)
    return (sa.select(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug,
                      sa.func.count().label("tries"))
            .where(QuizAttempt.user_id.in_(users), ~QuizAttempt.passed,
                   in_course(catalogue, QuizAttempt.module_slug, QuizAttempt.lesson_slug))
            .group_by(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug)
            .having(sa.func.count() >= FAILED_TRIES, ~passed_since))


def absent(groups: sa.Select, now: datetime) -> sa.Select:
    """(group_id, user_id): absent at each of the group's last ABSENT_IN_A_ROW sessions held."""
    recent = sa.func.row_number().over(
        partition_by=GroupSession.group_id,
        order_by=(GroupSession.starts_at.desc(), GroupSession.id.desc()))
    ranked = (sa.select(GroupSession.id, GroupSession.group_id, recent.label("recent"))
              .where(GroupSession.group_id.in_(groups), GroupSession.starts_at <= now)
              .subquery("ranked"))
    return (sa.select(ranked.c.group_id, Attendance.user_id)
            .join(ranked, Attendance.session_id == ranked.c.id)
            .where(ranked.c.recent <= ABSENT_IN_A_ROW, Attendance.status == "absent")
            .group_by(ranked.c.group_id, Attendance.user_id)
            .having(sa.func.count() == ABSENT_IN_A_ROW))


def reasons(users: sa.Select, groups: sa.Select, catalogue: Catalogue,
            now: datetime) -> dict[int, list[Reason]]:
    """The follow-up reasons of each of `users` who has any (absences only in `groups`).

    Three statements; each returns only the people who need follow-up.
    """
    found: dict[int, list[Reason]] = defaultdict(list)
    for user_id in db.session.scalars(inactive(users, now)):
        found[user_id].append(Reason("inactive"))
    for user_id, module, lesson, tries in db.session.execute(
            failing(users, catalogue).order_by(QuizAttempt.module_slug, QuizAttempt.lesson_slug)):
        found[user_id].append(Reason("quiz", lesson_key=f"{module}/{lesson}", tries=tries))
    absences = absent(groups, now)
    for group_id, user_id in db.session.execute(
            absences.where(Attendance.user_id.in_(users))):
        found[user_id].append(Reason("absent", group_id=group_id))
    return dict(found)
