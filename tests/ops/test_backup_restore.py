"""Backups (`flask backup create | verify | restore`): a restored backup brings back exactly the
data of the moment it was taken, on the run's database (SQLite, or PostgreSQL when DATABASE_URL
is set), even when the app was writing while the backup ran."""

import json
import os
import shutil
import sqlite3
import stat
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from housingschool import create_app
from housingschool.accounts.models import User
from housingschool.backup import backup
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from tests.ops.backup_helpers import (
    Writer,
    current_revision,
    every_row,
    set_revision,
    writer_rows,
)

PG_URL = "postgresql+psycopg://boligskolen:s3cret-pass@db.example.org:6543/skole?sslmode=require"


@pytest.fixture
def cli(app, ctx):
    """Runs `flask backup ...` on the test app; returns click's result."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(backup, list(args))


@pytest.fixture
def tools(app):
    """PostgreSQL needs pg_dump and pg_restore: missing in CI is a failure, elsewhere a skip."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"{', '.join(missing)} not installed (apt install postgresql-client)")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt install postgresql-client)")


@pytest.fixture
def school(factory):
    """Hamar: a teacher, Amina and Yonas with quiz attempts, both marked at one session; ids only,
    as a restore ends every session."""
    group = factory.group()
    tove = factory.teacher_in(group)
    amina = factory.user("amina", group=group, display_name="أمينة حسن", language="ar")
    yonas = factory.user("yonas", group=group, display_name="Yonas Tesfay")
    session = factory.session(group, datetime(2027, 1, 12, 16, tzinfo=UTC))
    factory.attendance(session, amina, "present", 90, marked_by=tove)
    factory.attendance(session, yonas, "late", 60, marked_by=tove)
    db.session.add_all([
        QuizAttempt(attempt_id="a1", user_id=amina.id, module_slug="waste",
                    lesson_slug="which-bin", answers={"q1": ["b"]}, score=75, passed=False),
        QuizAttempt(attempt_id="y1", user_id=yonas.id, module_slug="waste",
                    lesson_slug="which-bin", answers={"q1": ["a"]}, score=100, passed=True),
    ])
    db.session.commit()
    return SimpleNamespace(organisation_id=group.organisation_id, session_id=session.id)


def _usernames() -> set[str]:
    return set(db.session.scalars(sa.select(User.username)))


def _change_everything(school) -> None:
    """After the backup: Yonas is deleted (with his history), Sara joins and takes a quiz."""
    db.session.execute(sa.delete(User).where(User.username == "yonas"))
    sara = User(organisation_id=school.organisation_id, username="sara",
                stored_name="Sara", role="participant", password_hash="x")
    db.session.add(sara)
    db.session.flush()
    db.session.add(QuizAttempt(attempt_id="s1", user_id=sara.id, module_slug="waste",
                               lesson_slug="which-bin", answers={}, score=0, passed=False))
    db.session.commit()


def test_restore_brings_back_exactly_the_data_of_the_backup(school, cli, tools, tmp_path):
    at_backup = every_row()
    path = tmp_path / "nightly.backup"

    created = cli("create", "--output", str(path))
    assert created.exit_code == 0, created.output
    assert f"Backup written: {path}" in created.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    _change_everything(school)
    assert _usernames() == {"tove", "amina", "sara"}
    assert every_row() != at_backup

    restored = cli("restore", str(path), "--yes")
    assert restored.exit_code == 0, restored.output
    assert f"Database revision in the restored data: {current_revision()}" in restored.output
    assert "flask db upgrade" not in restored.stderr
    assert _usernames() == {"tove", "amina", "yonas"}
    assert every_row() == at_backup


def test_restore_without_yes_changes_nothing(school, cli, tools, tmp_path):
    path = tmp_path / "nightly.backup"
    assert cli("create", "--output", str(path)).exit_code == 0
    _change_everything(school)
    after_change = every_row()

    refused = cli("restore", str(path))

    assert refused.exit_code != 0
    assert "REPLACES EVERYTHING" in refused.output and "--yes" in refused.output
    assert every_row() == after_change


def test_default_backup_goes_to_a_private_folder_in_instance(app, school, cli, tools,
                                                             monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))

    first = cli("create")

    assert first.exit_code == 0, first.output
    folder = tmp_path / "backups"
    [path] = folder.iterdir()
    assert path.name.startswith("housingschool-") and str(path) in first.output
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    checked = cli("verify", str(path))
    assert checked.exit_code == 0 and checked.output.startswith("OK"), checked.output


def test_verify_rejects_a_backup_cut_short(school, cli, tools, tmp_path):
    path = tmp_path / "nightly.backup"
    assert cli("create", "--output", str(path)).exit_code == 0
    whole = cli("verify", str(path))
    assert whole.exit_code == 0, whole.output
    if path.read_bytes().startswith(b"SQLite"):
        assert "app_user: 3, quiz_attempt: 2, attendance: 2" in whole.output

    with path.open("r+b") as file:  # lost its end on the way to off-site storage
        file.truncate(path.stat().st_size - 100)
    cut = cli("verify", str(path))

    assert cut.exit_code != 0 and "OK" not in cut.output


def test_restoring_an_older_revision_says_to_upgrade(app, school, cli, tools, tmp_path):
    head = current_revision()
    older = ScriptDirectory.from_config(
        app.extensions["migrate"].migrate.get_config()).get_revision(head).down_revision
    path = tmp_path / "old.backup"
    set_revision(older)
    try:
        assert cli("create", "--output", str(path)).exit_code == 0
        set_revision(head)

        restored = cli("restore", str(path), "--yes")

        assert restored.exit_code == 0, restored.output
        assert f"restored data: {older}" in restored.output
        assert f"expects revision {head}" in restored.stderr
        assert "flask db upgrade" in restored.stderr
    finally:
        set_revision(head)


def test_backup_while_the_app_writes_holds_whole_transactions(app, school, cli, tools,
                                                              tmp_path):
    writer = Writer(app, school.organisation_id, school.session_id)
    writer.start()
    path = tmp_path / "busy.backup"
    try:
        writer.wait_for(20)
        committed_before = writer.commits
        created = cli("create", "--output", str(path))
        writer.wait_for(writer.commits + 20)
    finally:
        committed_in_all = writer.finish()
    assert created.exit_code == 0, created.output
    checked = cli("verify", str(path))
    assert checked.exit_code == 0, checked.output  # SQLite: integrity and foreign keys

    assert cli("restore", str(path), "--yes").exit_code == 0
    users, attempts, attendance = writer_rows()
    assert committed_before <= users <= committed_in_all  # nothing committed before is missing
    assert attempts == attendance == users  # no transaction is in the backup by halves


@pytest.fixture(scope="module")
def postgres_shaped_app():
    """An app configured for a PostgreSQL server it never reaches: pg_dump is a stand-in."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=PG_URL)
    yield app
    with app.app_context():
        db.engine.dispose()


def _stand_in(folder: Path, exit_code: int) -> Path:
    """A fake pg_dump that records its arguments and PG* environment, then exits."""
    record = folder / "pg_dump.json"
    script = folder / "pg_dump"
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'env': {{k: v for k, v in os.environ.items() "
        f"if k.startswith('PG')}}}}, open({str(record)!r}, 'w'))\n"
        f"print('could not connect to server: Connection refused', file=sys.stderr)\n"
        f"sys.exit({exit_code})\n")
    script.chmod(0o755)
    return record


def test_pg_dump_gets_the_password_from_the_environment_never_the_command_line(
        postgres_shaped_app, monkeypatch, tmp_path):
    record = _stand_in(tmp_path, exit_code=0)
    monkeypatch.setenv("PATH", str(tmp_path))
    path = tmp_path / "out" / "nightly.dump"

    result = postgres_shaped_app.test_cli_runner().invoke(
        backup, ["create", "--output", str(path)])

    assert result.exit_code == 0, result.output
    called = json.loads(record.read_text())
    assert called["argv"] == ["--format=custom", "--no-owner", f"--file={path}"]
    assert not any("s3cret" in argument for argument in called["argv"])
    assert {key: called["env"].get(key) for key in (
        "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")} == {
        "PGHOST": "db.example.org", "PGPORT": "6543", "PGUSER": "boligskolen",
        "PGPASSWORD": "s3cret-pass", "PGDATABASE": "skole", "PGSSLMODE": "require"}
    assert "s3cret" not in result.output


def test_failing_or_missing_pg_dump_is_a_clear_error_and_leaves_no_file(
        postgres_shaped_app, monkeypatch, tmp_path):
    runner = postgres_shaped_app.test_cli_runner()
    path = tmp_path / "nightly.dump"
    _stand_in(tmp_path, exit_code=1)
    monkeypatch.setenv("PATH", str(tmp_path))

    failed = runner.invoke(backup, ["create", "--output", str(path)])

    assert failed.exit_code == 1
    assert "pg_dump failed" in failed.output and "Connection refused" in failed.output
    assert not path.exists()

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    missing = runner.invoke(backup, ["create", "--output", str(path)])

    assert missing.exit_code == 1
    assert "pg_dump was not found" in missing.output and "postgresql-client" in missing.output
    assert not path.exists()


def test_verify_rejects_a_sqlite_backup_whose_cut_off_end_held_only_free_pages(tmp_path, cli):
    """Deleted rows leave free pages at the end of the file; losing them does not upset
    SQLite's integrity check, but the backup is still not the file that was made."""
    path = tmp_path / "with-free-pages.sqlite3"
    with closing(sqlite3.connect(path)) as made:
        made.execute("CREATE TABLE filler (text TEXT)")
        made.executemany("INSERT INTO filler VALUES (?)", [("x" * 2000,)] * 200)
        made.commit()
        made.execute("DELETE FROM filler")
        made.commit()
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size - 4096)

    cut = cli("verify", str(path))

    assert cut.exit_code != 0 and "cut short" in cut.output
