"""Certificate fixtures: an organisation whose participants can complete modules and attend."""

import uuid
from datetime import UTC, datetime

import pytest

from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.learning.services import record_module_completions

STAFF_PASSWORD = "long-enough-1"


@pytest.fixture
def complete(app):
    """complete(user, *slugs): pass every lesson's quiz in these modules (all when none)."""

    def complete(user, *slugs):
        catalogue = app.extensions["catalogue"]
        for module in catalogue.modules:
            if slugs and module.slug not in slugs:
                continue
            for lesson in module.lessons:
                db.session.add(QuizAttempt(
                    attempt_id=str(uuid.uuid4()), user_id=user.id, module_slug=module.slug,
                    lesson_slug=lesson.slug, answers={}, score=100, passed=True))
        record_module_completions(catalogue, [user.id])  # as passing on the site would
        db.session.commit()

    return complete


@pytest.fixture
def school(factory, complete):
    """Hamar: a group with a teacher, a coordinator, and Olena who completed everything and
    attended 90 + 60 (late) minutes, with one absence that must not count."""
    group = factory.group()
    org = group.organisation
    people = {
        "group": group, "org": org,
        "teacher": factory.teacher_in(group, "tove"),
        "coordinator": factory.user("kari", "coordinator", STAFF_PASSWORD, organisation=org),
        "olena": factory.user("olena", group=group, language="uk",
                              display_name="Олена Коваленко"),
    }
    first = factory.session(group, datetime(2026, 3, 3, 16, tzinfo=UTC), minutes=90)
    second = factory.session(group, datetime(2026, 3, 10, 16, tzinfo=UTC), minutes=90)
    third = factory.session(group, datetime(2026, 3, 17, 16, tzinfo=UTC), minutes=90)
    factory.attendance(first, people["olena"], "present", 90, marked_by=people["teacher"])
    factory.attendance(second, people["olena"], "late", 60, marked_by=people["teacher"])
    factory.attendance(third, people["olena"], "absent", 0, marked_by=people["teacher"])
    complete(people["olena"])
    return people
