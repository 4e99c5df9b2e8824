"""Module completions kept in their own table agree with the progress rules, however the quiz
attempts came about, and can be worked out again when the course changes."""

import dataclasses
import random
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.learning.models import ModuleCompletion, QuizAttempt
from housingschool.learning.services import (
    progress,
    rebuild_module_completions,
    record_module_completions,
)

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def attempt(user, module: str, lesson: str, passed: bool, when: datetime) -> None:
    db.session.add(QuizAttempt(attempt_id=str(uuid.uuid4()), user_id=user.id, module_slug=module,
                               lesson_slug=lesson, answers={}, score=90 if passed else 30,
                               passed=passed, submitted_at=when))


def utc(moment: datetime | None) -> datetime | None:
    """SQLite hands times back without a zone; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def stored(user) -> dict[str, datetime]:
    return {slug: utc(when) for slug, when in db.session.execute(
        sa.select(ModuleCompletion.module_slug, ModuleCompletion.completed_at)
        .where(ModuleCompletion.user_id == user.id))}


def by_progress(user, catalogue) -> dict[str, datetime]:
    return {slug: utc(status.completed_at)
            for slug, status in progress(user.id, catalogue).items() if status.done}


def test_worked_out_completions_match_progress_for_a_mix_of_attempts(app, factory):
    catalogue = app.extensions["catalogue"]
    rng = random.Random(5)
    people = [factory.user(f"person{n}", display_name=f"Person {n}") for n in range(12)]
    for n, person in enumerate(people):
        for module in catalogue.modules:
            for lesson in module.lessons:
                # Fail, pass, pass again, never try; passes not in time order; some days apart.
                for _ in range(rng.randint(0, 3)):
                    when = START + timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
                    attempt(person, module.slug, lesson.slug, rng.random() < 0.75, when)
        if n % 3 == 0:  # every lesson of waste passed, and a pass at a lesson that is gone
            for lesson in catalogue.module("waste").lessons:
                attempt(person, "waste", lesson.slug, True, START + timedelta(days=n))
            attempt(person, "waste", "old-lesson", True, START + timedelta(days=90))
    attempt(people[1], "old-module", "old-lesson", True, START)
    db.session.commit()

    added = record_module_completions(catalogue)
    db.session.commit()

    expected = {person.id: by_progress(person, catalogue) for person in people}
    assert added == sum(len(done) for done in expected.values()) > 12
    assert {person.id: stored(person) for person in people} == expected
    assert all("waste" in expected[person.id] for person in people[::3])
    assert record_module_completions(catalogue) == 0  # nothing missing any more


def test_only_the_people_asked_for_are_recorded(app, factory):
    catalogue = app.extensions["catalogue"]
    amina, yonas = factory.user("amina"), factory.user("yonas")
    for person in (amina, yonas):
        for lesson in catalogue.module("cleaning").lessons:
            attempt(person, "cleaning", lesson.slug, True, START)
    assert record_module_completions(catalogue, [amina.id]) == 1
    assert stored(amina) == {"cleaning": START} and stored(yonas) == {}


def test_rebuilding_follows_a_module_that_lost_or_gained_a_lesson(app, factory):
    catalogue = app.extensions["catalogue"]
    waste = catalogue.module("waste")
    amina = factory.user("amina")
    for day, lesson in enumerate(waste.lessons[:-1]):
        attempt(amina, "waste", lesson.slug, True, START + timedelta(days=day))
    db.session.commit()
    assert record_module_completions(catalogue) == 0
    shorter = Catalogue(tuple(dataclasses.replace(m, lessons=m.lessons[:-1]) if m is waste else m
                              for m in catalogue.modules))
    assert rebuild_module_completions(shorter) == 1
    assert stored(amina) == {"waste": START + timedelta(days=len(waste.lessons) - 2)}
    assert rebuild_module_completions(catalogue) == 0
    assert stored(amina) == {}


def test_the_rebuild_command_recounts_everyone(app, factory):
    catalogue = app.extensions["catalogue"]
    amina = factory.user("amina")
    for lesson in catalogue.module("budgeting").lessons:
        attempt(amina, "budgeting", lesson.slug, True, START)
    db.session.add(ModuleCompletion(user_id=amina.id, module_slug="waste", completed_at=START))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["learning", "rebuild-completions"])
    assert result.exit_code == 0, result.output
    assert "1 in all" in result.output
    db.session.expire_all()
    assert stored(amina) == {"budgeting": START}
