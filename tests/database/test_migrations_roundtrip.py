"""The migrations build the schema from nothing, take it all away again, and can be stepped
down and up one revision at a time with data in the tables: a rollback in production loses
only what the undone revision added, and the data it fills in comes back on the way up."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from housingschool import create_app
from housingschool.accounts.models import Organisation
from housingschool.accounts.services import create_user
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, ModuleCompletion, QuizAttempt
from housingschool.reports.models import AuditEvent
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership
from tests.database.db_race_helpers import scratch_database

START = datetime(2026, 4, 7, 10, tzinfo=UTC)


@pytest.fixture
def blank_app(tmp_path):
    """An app on a database of its own with no tables yet, in an app context."""
    with scratch_database(tmp_path) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def revisions_newest_first(app) -> list:
    """Every revision, from head down to the first one (the history is a straight line)."""
    scripts = ScriptDirectory(str(Path(app.root_path).parent / "migrations"))
    assert len(scripts.get_heads()) == 1, "the migrations have more than one head"
    return list(scripts.walk_revisions())


def schema() -> dict:
    """Tables with their columns, indexes, unique constraints and foreign keys, as the
    database describes them (so two schemas compare equal when they are the same)."""
    inspector = sa.inspect(db.engine)
    described = {}
    for table in inspector.get_table_names():
        described[table] = (
            sorted((c["name"], str(c["type"]), c["nullable"])
                   for c in inspector.get_columns(table)),
            sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                   for i in inspector.get_indexes(table)),
            sorted((u["name"], tuple(u["column_names"]))
                   for u in inspector.get_unique_constraints(table)),
            sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"],
                    f["options"].get("ondelete")) for f in inspector.get_foreign_keys(table)),
        )
    return described


def row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {table: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
                for table in sa.inspect(connection).get_table_names()}


def completions() -> set:
    """Read on a connection of its own, closed at once: an open read would hold a lock that
    the next migration's DROP TABLE waits for (PostgreSQL)."""
    with db.engine.connect() as connection:
        return set(connection.execute(sa.select(ModuleCompletion.user_id,
                                                ModuleCompletion.module_slug)))


def add_a_little_of_everything(app) -> None:
    """A class at head: people, a group with a session and attendance, lessons opened, quizzes
    passed (one module all the way, so it has a completion) and an audit event."""
    organisation = Organisation(slug="hamar", name="Hamar kommune")
    db.session.add(organisation)
    teacher = create_user(organisation, "tove", "Tove", "teacher", "teacher-pass-1")
    people = [create_user(organisation, name, name.title(), "participant", "482915")
              for name in ("amina", "yonas")]
    group = Group(organisation=organisation, name="Vår", join_code="HOME2026", languages=["ar"])
    session = GroupSession(group=group, starts_at=START, ends_at=START + timedelta(hours=2))
    db.session.add_all([group, session, *(Membership(group=group, user=p) for p in people)])
    db.session.flush()
    module = app.extensions["catalogue"].modules[0]
    for step, lesson in enumerate(module.lessons):
        db.session.add(LessonProgress(user_id=people[0].id, module_slug=module.slug,
                                      lesson_slug=lesson.slug, language="nb"))
        db.session.add(QuizAttempt(attempt_id=str(uuid.uuid4()), user_id=people[0].id,
                                   module_slug=module.slug, lesson_slug=lesson.slug, answers={},
                                   score=100, passed=True, submitted_at=START + timedelta(step)))
    db.session.add_all([
        ModuleCompletion(user_id=people[0].id, module_slug=module.slug, completed_at=START),
        *(Attendance(session_id=session.id, user_id=p.id, status="present", minutes=120,
                     method="teacher", marked_by_id=teacher.id) for p in people),
        AuditEvent(organisation_id=organisation.id, actor_id=teacher.id, action="view",
                   subject_id=people[0].id),
    ])
    db.session.commit()


def test_upgrade_from_empty_then_downgrade_to_base_then_upgrade_again(blank_app):
    upgrade()
    first = schema()
    assert set(first) == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}

    downgrade(revision="base")
    assert set(schema()) == {"alembic_version"}
    assert row_counts() == {"alembic_version": 0}

    upgrade()
    assert schema() == first


def test_each_revision_steps_down_and_up_again_with_data_in_the_tables(blank_app):
    upgrade()
    add_a_little_of_everything(blank_app)
    for revision in revisions_newest_first(blank_app):
        here, counts = schema(), row_counts()
        done = completions() if "module_completion" in here else None
        below = revision.down_revision or "base"
        downgrade(revision=below)
        kept = {table: n for table, n in row_counts().items() if table != "alembic_version"}
        # Undoing a revision drops its own tables and columns, never rows of other tables.
        assert kept == {table: counts[table] for table in kept}, revision.revision

        upgrade(revision=revision.revision)
        assert schema() == here, revision.revision
        if done is not None:  # filled in again from the quiz attempts
            assert completions() == done, revision.revision
        downgrade(revision=below)
    assert set(schema()) == {"alembic_version"}
