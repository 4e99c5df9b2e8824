"""Module completion worked out in SQL, for whole organisations at once.

The rules are those of learning/services.py: a lesson is done at its first passed quiz attempt,
a module is done when all its lessons are, at the moment the last of them was done. Here they
are written as GROUP BY queries, so a report never loops over every quiz attempt in Python.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.reports import people
from housingschool.reports.people import Person
from housingschool.teaching.models import Group, Membership


def participants(organisation_id: int) -> sa.Select:
    """A query for the ids of an organisation's participants."""
    return sa.select(User.id).where(User.organisation_id == organisation_id,
                                    User.role == "participant")


def in_course(catalogue: Catalogue, module_col, lesson_col):
    """A condition: (module, lesson) is a lesson of the course (old slugs do not count).

    Written as "module/lesson" IN (...): PostgreSQL hashes a long IN list of constants, while
    a tuple IN becomes a chain of ORs that costs a third more on a large table.
    """
    keys = [lesson.key for m in catalogue.modules for lesson in m.lessons]
    return (module_col + "/" + lesson_col).in_(keys)


def lessons_passed(users: sa.Select, catalogue: Catalogue) -> sa.Subquery:
    """(user_id, module_slug, lesson_slug, passed_at): when each lesson was first passed."""
    return (sa.select(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug,
                      sa.func.min(QuizAttempt.submitted_at).label("passed_at"))
            .where(QuizAttempt.passed, QuizAttempt.user_id.in_(users),
                   in_course(catalogue, QuizAttempt.module_slug, QuizAttempt.lesson_slug))
            .group_by(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug)
            .subquery("lessons_passed"))


def modules_done(users: sa.Select, catalogue: Catalogue) -> sa.CTE:
    """(user_id, module_slug, completed_at) for every module a participant has completed."""
    return modules_done_from(lessons_passed(users, catalogue), catalogue)


def lesson_results(users: sa.Select, catalogue: Catalogue) -> sa.CTE:
    """(user_id, module_slug, lesson_slug, passed_at, failures) for every lesson tried.

    One pass over the quiz attempts, kept as a CTE so one statement can count both the
    modules completed and the quizzes failed again and again from it.
    """
    failed = sa.func.count(sa.case((~QuizAttempt.passed, 1)))
    return (sa.select(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug,
                      sa.func.min(sa.case((QuizAttempt.passed, QuizAttempt.submitted_at)))
                      .label("passed_at"), failed.label("failures"))
            .where(QuizAttempt.user_id.in_(users),
                   in_course(catalogue, QuizAttempt.module_slug, QuizAttempt.lesson_slug))
            .group_by(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug)
            .cte("lesson_results"))


def modules_done_from(lessons, catalogue: Catalogue) -> sa.CTE:
    """(user_id, module_slug, completed_at) from per-lesson rows with a passed_at column
    (lessons_passed() or lesson_results()): modules with every lesson passed, completed when
    the last of them was first passed."""
    size = sa.case({m.slug: len(m.lessons) for m in catalogue.modules},
                   value=lessons.c.module_slug, else_=-1)
    return (sa.select(lessons.c.user_id, lessons.c.module_slug,
                      sa.func.max(lessons.c.passed_at).label("completed_at"))
            .group_by(lessons.c.user_id, lessons.c.module_slug)
            .having(sa.func.count(lessons.c.passed_at) == size)
            .cte("modules_done"))


@dataclass
class CompletionRow:
    """One participant's line in the completion export."""

    user: Person
    groups: list[str] = field(default_factory=list)
    completed: dict[str, datetime] = field(default_factory=dict)  # module slug -> when

    @property
    def modules_done(self) -> int:
        return len(self.completed)


def completion_table(organisation_id: int, catalogue: Catalogue,
                     group_id: int | None = None) -> list[CompletionRow]:
    """Every participant (of one group, if given) with the date each module was completed.

    Two statements, whatever the number of participants.
    """
    scope = participants(organisation_id)
    if group_id is not None:
        scope = scope.where(User.id.in_(
            sa.select(Membership.user_id).where(Membership.group_id == group_id)))
    # Outer joins: participants in no group are in the organisation's export too.
    found = db.session.execute(
        sa.select(*people.columns(), Group.name).where(User.id.in_(scope))
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Group, Group.id == Membership.group_id)
        .order_by(*people.order(), Group.name))
    rows: dict[int, CompletionRow] = {}
    for *person, name in found:
        row = rows.setdefault(person[0], CompletionRow(people.person(*person)))
        if name is not None:
            row.groups.append(name)
    done = modules_done(scope, catalogue)
    for user_id, module, when in db.session.execute(sa.select(done)):
        if user_id in rows:
            rows[user_id].completed[module] = when
    return list(rows.values())
