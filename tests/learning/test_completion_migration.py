"""The migration that adds module completions fills them in from the quiz attempts already
there, and can be undone. It runs on a database of its own (downgrading the shared one would
pull the tables from under the other tests)."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from housingschool import create_app
from housingschool.accounts.models import Organisation
from housingschool.accounts.services import create_user
from housingschool.extensions import db
from housingschool.learning.models import ModuleCompletion, QuizAttempt
from housingschool.learning.services import progress
from tools.scratch_database import scratch_database

BEFORE = "0a3909dd1dac"  # the revision before module_completion
START = datetime(2026, 4, 7, 10, tzinfo=UTC)


@pytest.fixture
def scratch_app(tmp_path):
    """An app on a new, empty database (SQLite, or PostgreSQL when DATABASE_URL is set)."""
    with scratch_database(os.environ.get("DATABASE_URL"), tmp_path, "hs_migration") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


def utc(moment):
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def test_upgrade_fills_in_completions_from_past_attempts_and_downgrade_removes_them(
        scratch_app):
    catalogue = scratch_app.extensions["catalogue"]
    with scratch_app.app_context():
        upgrade()
        organisation = Organisation(slug="hamar", name="Hamar kommune")
        db.session.add(organisation)
        people = [create_user(organisation, name, name.title(), "participant", "482915")
                  for name in ("amina", "yonas", "olena")]
        db.session.flush()
        for number, person in enumerate(people):
            for module in catalogue.modules[:number + 1]:
                for step, lesson in enumerate(module.lessons[number:]):
                    for passed in (False, True):
                        db.session.add(QuizAttempt(
                            attempt_id=str(uuid.uuid4()), user_id=person.id, answers={},
                            module_slug=module.slug, lesson_slug=lesson.slug, passed=passed,
                            score=90 if passed else 20,
                            submitted_at=START + timedelta(days=step, hours=passed)))
        db.session.commit()
        expected = {(person.id, slug): utc(status.completed_at) for person in people
                    for slug, status in progress(person.id, catalogue).items() if status.done}
        db.session.remove()

        downgrade(revision=BEFORE)
        assert "module_completion" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        found = {(user_id, slug): utc(when) for user_id, slug, when in db.session.execute(
            sa.select(ModuleCompletion.user_id, ModuleCompletion.module_slug,
                      ModuleCompletion.completed_at))}
        assert found == expected and len(found) == 1  # only Amina finished a module
        indexes = {ix["name"]: ix["column_names"]
                   for ix in sa.inspect(db.engine).get_indexes("quiz_attempt")}
        assert indexes["ix_quiz_attempt_user_lesson"][-1] == "passed"
        assert "ix_quiz_attempt_failed" in indexes
        db.session.remove()
