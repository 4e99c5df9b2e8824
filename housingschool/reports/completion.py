"""Module completion for whole organisations at once.

The rules are those of learning/services.py: a lesson is done at its first passed quiz attempt,
a module is done when all its lessons are, at the moment the last of them was done. That moment
is kept in ModuleCompletion when the quiz is passed, so reports read one small row per module
completed instead of grouping every quiz attempt.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.learning.models import ModuleCompletion
from housingschool.learning.services import in_lessons
from housingschool.reports import people
from housingschool.reports.people import Person
from housingschool.teaching.models import Group, Membership


def participants(organisation_id: int) -> sa.Select:
    """A query for the ids of an organisation's participants."""
    return sa.select(User.id).where(User.organisation_id == organisation_id,
                                    User.role == "participant")


def in_course(catalogue: Catalogue, module_col, lesson_col):
    """A condition: (module, lesson) is a lesson of the course (old slugs do not count)."""
    return in_lessons(catalogue.modules, module_col, lesson_col)


def modules_done(users: sa.Select, catalogue: Catalogue) -> sa.Select:
    """(user_id, module_slug, completed_at) for every module of the course `users` completed."""
    return (sa.select(ModuleCompletion.user_id, ModuleCompletion.module_slug,
                      ModuleCompletion.completed_at)
            .where(ModuleCompletion.user_id.in_(users),
                   ModuleCompletion.module_slug.in_([m.slug for m in catalogue.modules])))


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
    for user_id, module, when in db.session.execute(modules_done(scope, catalogue)):
        if user_id in rows:
            rows[user_id].completed[module] = when
    return list(rows.values())
