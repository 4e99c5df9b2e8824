"""A throwaway database for tests and benchmarks: a SQLite file, or a new PostgreSQL database
beside the one `base_url` names, dropped afterwards (also after a failure or Ctrl-C)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from config import normalise_database_url


@contextmanager
def scratch_database(base_url: str | None, folder: Path, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database named `<prefix>_<random>`; SQLite in `folder` when
    `base_url` is empty (the test suite's and benchmarks' default)."""
    if not base_url:
        yield f"sqlite:///{Path(folder) / f'{prefix}.sqlite3'}"
        return
    url = sa.make_url(normalise_database_url(base_url))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
