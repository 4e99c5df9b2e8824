"""After the load: was every acknowledged write stored exactly once, and is the database whole?

The writes are checked against what the phones were told (bench/loadphone.py Journal). The
integrity check reads the schema from the database itself (reflection), so it checks what the
migrations made: every foreign key (no orphans), unique constraint, unique index and primary
key (no duplicates), CHECK constraint and NOT NULL column, over every row. On top of that,
SQLite's own `PRAGMA integrity_check` and `foreign_key_check`; on PostgreSQL, amcheck's
`bt_index_check` (with heapallindexed) on every B-tree index and no constraint left NOT VALID.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from bench.loadkit import Seeded
from bench.loadphone import Journal


@dataclass(frozen=True)
class Check:
    """One line of the verdict."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"  {'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def write_checks(url: str, seeded: Seeded, journal: Journal) -> list[Check]:
    """Every acknowledged quiz attempt and check-in stored exactly once, and nothing more."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            attempts = {(user, attempt): count for user, attempt, count in connection.execute(
                sa.text("SELECT user_id, attempt_id, count(*) FROM quiz_attempt "
                        "GROUP BY user_id, attempt_id"))}
            present = dict(connection.execute(sa.text(
                "SELECT user_id, count(*) FROM attendance WHERE session_id = :s "
                "GROUP BY user_id"), {"s": seeded.session_id}).all())
            history = dict(connection.execute(sa.text(
                "SELECT a.user_id, count(c.id) FROM attendance a LEFT JOIN attendance_change c "
                "ON c.attendance_id = a.id WHERE a.session_id = :s GROUP BY a.user_id"),
                {"s": seeded.session_id}).all())
    finally:
        engine.dispose()
    return _attempt_checks(attempts, seeded, journal) + _checkin_checks(present, history,
                                                                        seeded, journal)


def _pairs(by_user: dict[str, set[str]], ids: dict[str, int]) -> set[tuple[int, str]]:
    return {(ids[name], attempt) for name, attempts in by_user.items() for attempt in attempts}


def _attempt_checks(stored: dict, seeded: Seeded, journal: Journal) -> list[Check]:
    acked, sent = _pairs(journal.acked, seeded.user_ids), _pairs(journal.sent, seeded.user_ids)
    missing = [key for key in acked if key not in stored]
    twice = [key for key, count in stored.items() if count > 1]
    extra = set(stored) - acked
    lost_answer, never_sent = extra & sent, extra - sent
    return [
        Check("every acknowledged quiz attempt is stored", not missing,
              f"{len(acked)} acknowledged ({journal.resends} sent twice), {len(missing)} missing"),
        Check("no quiz attempt is stored twice", not twice,
              f"{len(twice)} attempt ids with more than one row"),
        Check("stored quiz attempts = acknowledged ones, but for answers lost on the way",
              not never_sent,
              f"{sum(stored.values())} rows, {len(acked)} acknowledged; rows never acknowledged:"
              f" {len(lost_answer)} sent whose answer was lost (a failed request, counted as an "
              f"error), {len(never_sent)} that no phone sent"),
    ]


def _checkin_checks(present: dict, history: dict, seeded: Seeded,
                    journal: Journal) -> list[Check]:
    acked = {seeded.user_ids[name] for name in journal.checked_in}
    sent = {seeded.user_ids[name] for name in journal.checkin_sent}
    missing = acked - set(present)
    twice = [user for user, count in present.items() if count > 1]
    extra = set(present) - acked
    lines = [user for user, count in history.items() if count != 1]
    return [
        Check("every acknowledged check-in has exactly one attendance row",
              not missing and not twice,
              f"{len(acked)} acknowledged, {len(missing)} missing, {len(twice)} with 2+ rows"),
        Check("no attendance row without a check-in, acknowledged but for answers lost on "
              "the way", not extra - sent,
              f"{len(present)} rows, {len(extra)} not acknowledged: {len(extra & sent)} sent "
              f"whose answer was lost (counted as an error), {len(extra - sent)} never sent"),
        Check("each check-in is one line in the attendance history", not lines,
              f"{len(lines)} rows with another number of history lines"),
    ]


def integrity_checks(url: str) -> list[Check]:
    """The database engine's own check and the schema's constraints over every row."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            engine_checks = (_sqlite_checks(connection) if engine.dialect.name == "sqlite"
                             else _postgresql_checks(connection))
            metadata = sa.MetaData()
            metadata.reflect(connection)
            problems, checked = _constraint_problems(connection, metadata)
    finally:
        engine.dispose()
    return [*engine_checks, Check(
        "every constraint holds for every row (foreign keys, unique, primary keys, checks, "
        "not null)", not problems,
        f"{checked} constraints over {len(metadata.tables)} tables"
        + (f"; broken: {', '.join(problems)}" if problems else ""))]


def _sqlite_checks(connection) -> list[Check]:
    result = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    return [Check("PRAGMA integrity_check", result == ["ok"], ", ".join(result[:5])),
            Check("PRAGMA foreign_key_check", not orphans, f"{len(orphans)} rows reported")]


def _postgresql_checks(connection) -> list[Check]:
    not_valid = connection.exec_driver_sql(
        "SELECT conrelid::regclass || '.' || conname FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'public' AND NOT c.convalidated").scalars().all()
    checks = [Check("no constraint left NOT VALID (pg_constraint.convalidated)", not not_valid,
                    ", ".join(not_valid) or "all validated")]
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
    indexes = connection.exec_driver_sql(
        "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
        "WHERE n.nspname = 'public' AND a.amname = 'btree'").all()
    broken = []
    for oid, name in indexes:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql("SELECT bt_index_check(%s, true)", (oid,))
        except sa.exc.DBAPIError as error:
            broken.append(f"{name}: {error.orig}")
    connection.commit()
    checks.append(Check("amcheck bt_index_check(heapallindexed) on every B-tree index",
                        not broken, f"{len(indexes)} indexes" + "".join(f"; {b}" for b in broken)))
    return checks


def _constraint_problems(connection, metadata: sa.MetaData) -> tuple[list[str], int]:
    """Run one counting query per constraint; the names of those some row breaks."""
    queries = []
    for table in metadata.sorted_tables:
        queries += [(f"{table.name}: {c.name} is null", sa.select(sa.func.count())
                     .select_from(table).where(c.is_(None)))
                    for c in table.columns if not c.nullable]
        for fk in table.foreign_key_constraints:
            queries.append((f"{table.name} -> {fk.referred_table.name}", _orphans(table, fk)))
        for columns in _unique_column_sets(table):
            queries.append((f"{table.name} unique {', '.join(c.name for c in columns)}",
                            _duplicates(columns)))
        for check in (c for c in table.constraints if isinstance(c, sa.CheckConstraint)):
            broken = sa.text(f"NOT ({check.sqltext})")
            queries.append((f"{table.name} check {check.name}",
                            sa.select(sa.func.count()).select_from(table).where(broken)))
    problems = [name for name, query in queries if connection.execute(query).scalar()]
    return problems, len(queries)


def _orphans(table: sa.Table, fk: sa.ForeignKeyConstraint) -> sa.Select:
    parent = fk.referred_table.alias("parent")
    matches = sa.and_(*(parent.c[e.column.name] == e.parent for e in fk.elements))
    return (sa.select(sa.func.count()).select_from(table)
            .where(*(e.parent.is_not(None) for e in fk.elements),
                   ~sa.exists().where(matches)))


def _unique_column_sets(table: sa.Table) -> list[tuple[sa.Column, ...]]:
    """Primary key, unique constraints and unique indexes (partial ones left out)."""
    sets = {tuple(table.primary_key.columns)} if table.primary_key.columns else set()
    sets |= {tuple(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)}
    sets |= {tuple(index.columns) for index in table.indexes if index.unique
             and not any(v.get("where") for v in index.dialect_options.values())}
    return sorted(sets, key=lambda columns: [c.name for c in columns])


def _duplicates(columns: tuple[sa.Column, ...]) -> sa.Select:
    groups = (sa.select(*columns).where(*(c.is_not(None) for c in columns))
              .group_by(*columns).having(sa.func.count() > 1).subquery())
    return sa.select(sa.func.count()).select_from(groups)
