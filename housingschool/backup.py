"""`flask backup create | restore | verify`: copies of the database that can be put back.

SQLite is copied with its online backup API: one read transaction, so the copy is a consistent
snapshot even while the app keeps writing (WAL). PostgreSQL is copied with `pg_dump` in its
custom format, itself one snapshot. A backup holds everyone's personal data, so files are made
readable by their owner only. How to run and test this in production: docs/BACKUPS.md.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup

from housingschool.extensions import db

backup = AppGroup("backup", help="Back up the database, check a backup, restore one.")

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
COUNTED_TABLES = ("app_user", "quiz_attempt", "attendance")
# SQLAlchemy URL query parameters that libpq also reads from the environment.
LIBPQ_QUERY = {"host": "PGHOST", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
               "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}
OPEN_TIMEOUT = 30  # seconds to wait for a lock held by the app


@backup.command("create")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: a new timestamped file in instance/backups/).")
def create(output: Path | None) -> None:
    """Write a backup of the whole database to a new file, readable by its owner only."""
    url = db.engine.url
    sqlite = _is_sqlite(url)
    path = output or _default_path(".sqlite3" if sqlite else ".dump")
    _new_private_file(path)
    try:
        if sqlite:
            _sqlite_copy(_sqlite_file(url), str(path))
            _make_single_file(path)
        else:
            _run("pg_dump", "--format=custom", "--no-owner", f"--file={path}",
                 env=_libpq_env(url))
    except BaseException:
        path.unlink(missing_ok=True)  # never leave a half-written file that looks like a backup
        raise
    click.echo(f"Backup written: {path} ({_size(path.stat().st_size)})")


@backup.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that everything in the database is replaced.")
def restore(path: Path, yes: bool) -> None:
    """Replace everything in the database with a backup. Stop the app first."""
    if not yes:
        raise click.ClickException(
            "Restoring REPLACES EVERYTHING in the database with the contents of the backup: "
            "every change made since the backup was taken is lost. Stop the app, take a backup "
            "of the database as it is now, then run this again with --yes.")
    url = db.engine.url
    _check_kind(path, "sqlite" if _is_sqlite(url) else "postgresql")
    db.session.remove()
    db.engine.dispose()  # no pooled connection of ours may hold a lock or an old table
    if _is_sqlite(url):
        _check_sqlite_backup(path)  # never overwrite good data with a damaged file
        _sqlite_copy(str(path), _sqlite_file(url))
    else:
        _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={url.database}", str(path), env=_libpq_env(url))
    db.engine.dispose()
    click.echo(f"Restored the database from {path}.")
    _report_revision()


@backup.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(path: Path) -> None:
    """Check that a backup file is whole and can be read back."""
    kind = _kind(path)
    if kind == "sqlite":
        counts = _check_sqlite_backup(path)
        click.echo(f"OK: {path} passes SQLite's integrity and foreign key checks.")
        click.echo(", ".join(f"{table}: {count}" for table, count in counts.items()))
    elif kind == "postgresql":
        # --list reads only the table of contents; writing the script to nowhere reads every
        # byte, so a file cut short on its way off-site is caught too.
        _run("pg_restore", f"--file={os.devnull}", str(path), env=dict(os.environ))
        listing = _run("pg_restore", "--list", str(path), env=dict(os.environ)).stdout
        tables = sum(" TABLE DATA " in line for line in listing.splitlines())
        click.echo(f"OK: pg_restore read all of {path} ({tables} tables with data).")
    else:
        raise click.ClickException(f"{path} is not a backup made by `flask backup create`.")


def _is_sqlite(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_file(url: sa.URL) -> str:
    """The database file; Flask-SQLAlchemy has already made a relative path absolute."""
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory SQLite database cannot be backed up.")
    return url.database


def _default_path(suffix: str) -> Path:
    """A new file in instance/backups/, a folder only its owner may enter."""
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder / f"housingschool-{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}{suffix}"


def _new_private_file(path: Path) -> None:
    """Create the empty file with mode 0600 before anything is written into it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise click.ClickException(
            f"{path} already exists; a backup never overwrites a file.") from None
    path.chmod(0o600)


def _sqlite_copy(source: str, target: str) -> None:
    """Copy a whole SQLite database in one step of the online backup API.

    One step is one read transaction on the source: a consistent snapshot, while in WAL mode
    the app goes on writing. A target in WAL mode stays in WAL mode.
    """
    try:
        with closing(sqlite3.connect(source, timeout=OPEN_TIMEOUT)) as src, \
                closing(sqlite3.connect(target, timeout=OPEN_TIMEOUT)) as dst:
            src.backup(dst)
    except sqlite3.OperationalError as error:
        raise click.ClickException(
            f"SQLite could not copy the database ({error}). If the app is running, stop it "
            "and try again.") from error


def _make_single_file(path: Path) -> None:
    """A backup should be one file: without WAL it needs no -wal/-shm files beside it."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")


def _sqlite_size_problem(path: Path) -> str | None:
    """A file cut short loses its last pages, and when those were free pages (left by deleted
    rows) SQLite's integrity check cannot notice. The header says how big the file must be."""
    with path.open("rb") as file:
        header = file.read(100)
    if len(header) < 100:
        return "it is shorter than a SQLite header"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_size_valid = header[92:96] == header[24:28]
    if header_size_valid and pages * page_size != path.stat().st_size:
        return f"it should be {pages * page_size} bytes but is {path.stat().st_size}"
    return None


def _check_sqlite_backup(path: Path) -> dict[str, int]:
    """Integrity and foreign key checks on a SQLite backup, read-only; rows per main table."""
    problem = _sqlite_size_problem(path)
    if problem:
        raise click.ClickException(f"{path} is damaged or cut short: {problem}.")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as file:
            problems = [row[0] for row in file.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise click.ClickException(f"{path} is damaged: {'; '.join(problems[:5])}")
            if file.execute("PRAGMA foreign_key_check").fetchone():
                raise click.ClickException(f"{path} has rows pointing at missing rows.")
            return {table: file.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
                    for table in COUNTED_TABLES}
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{path} cannot be read as a backup: {error}") from error


def _kind(path: Path) -> str | None:
    """What made the file, from its first bytes: "sqlite", "postgresql" or None."""
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    return "postgresql" if start.startswith(PG_DUMP_MAGIC) else None


def _check_kind(path: Path, expected: str) -> None:
    kind = _kind(path)
    if kind != expected:
        found = f"a {kind} backup" if kind else "not a backup made by `flask backup create`"
        raise click.ClickException(f"{path} is {found}, but this app uses {expected}.")


def _libpq_env(url: sa.URL) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore as libpq environment variables, so the
    password never appears on a command line, where other users could see it with `ps`."""
    env = dict(os.environ)
    settings = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
                "PGPASSWORD": url.password, "PGDATABASE": url.database}
    for parameter, variable in LIBPQ_QUERY.items():
        if parameter in url.query:
            value = url.query[parameter]
            settings[variable] = value[-1] if isinstance(value, tuple) else value
    env.update({name: str(value) for name, value in settings.items() if value is not None})
    return env


def _run(tool: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client program; a missing program or a failure is a clear error."""
    program = shutil.which(tool)
    if program is None:
        raise click.ClickException(
            f"{tool} was not found. Install the PostgreSQL client programs (Debian and Ubuntu: "
            "apt install postgresql-client), the same major version as the server or newer.")
    command = [program, *args]  # a list, no shell: a path with spaces stays one argument
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise click.ClickException(
            f"{tool} failed (exit code {result.returncode}):\n{result.stderr.strip()}")
    return result


def _report_revision() -> None:
    """Say which migration the restored data is at; an older one needs `flask db upgrade`."""
    try:
        with db.engine.connect() as connection:
            found = set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except sa.exc.DBAPIError:
        found = set()
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    click.echo(f"Database revision in the restored data: {', '.join(sorted(found)) or 'none'}")
    if found != heads:
        click.echo(f"Warning: this code expects revision {', '.join(sorted(heads))}. "
                   "Run `flask db upgrade` next, then start the app.", err=True)


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"
