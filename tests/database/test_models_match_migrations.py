"""The models and the migrations describe the same schema: after `flask db upgrade`, Alembic's
autogenerate finds nothing to write. A model changed without a migration (or the other way
round) fails here, on SQLite and on PostgreSQL, before it fails in production."""

import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from housingschool.extensions import db


def same_json_default(context, inspected_column, metadata_column, inspected_default,
                      metadata_default, rendered_metadata_default):
    """Compare JSON server defaults as text. Alembic asks PostgreSQL `SELECT '[]'::json = '[]'`,
    which fails (json has no = operator); PostgreSQL reports the default as '[]'::json, SQLite
    as '[]'. Other columns: None, so Alembic compares them itself."""
    if not isinstance(metadata_column.type, sa.JSON):
        return None
    return bare_json(inspected_default) != bare_json(rendered_metadata_default)


def bare_json(default: str | None) -> str:
    return re.sub(r"::json$", "", default or "").strip("'")


def differences(metadata: sa.MetaData) -> list:
    """What autogenerate would put in a new migration to turn the database into `metadata`."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "compare_server_default": same_json_default})
        return compare_metadata(context, metadata)


def kinds(found: list) -> set[tuple[str, str]]:
    """(operation, table) of each difference; changes to one column come as a list."""
    flat = [change for item in found for change in (item if isinstance(item, list) else [item])]
    return {(change[0], change[1].table.name if change[0].endswith("index") else change[2])
            for change in flat}


def test_autogenerate_finds_no_changes_after_upgrade(app):
    with app.app_context():
        assert differences(db.metadata) == []


def test_the_comparison_notices_a_model_that_drifted(app):
    """The check above can fail: types, server defaults, columns and indexes are compared."""
    drifted = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["quiz_attempt"].c.score.type = sa.String(10)
    drifted.tables["course_group"].c.languages.server_default = None
    drifted.tables["attendance"].append_column(sa.Column("note", sa.Text))
    sa.Index("ix_attendance_status", drifted.tables["attendance"].c.status)
    with app.app_context():
        found = kinds(differences(drifted))
    assert found == {("modify_type", "quiz_attempt"), ("modify_default", "course_group"),
                     ("add_column", "attendance"), ("add_index", "attendance")}
