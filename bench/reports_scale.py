"""How fast the coordinators' reports are for a large organisation, and how many SQL statements
each request costs.

    .venv/bin/python bench/reports_scale.py                      # SQLite, 1,000 and 10,000
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/reports_scale.py                  # PostgreSQL
    .venv/bin/python bench/reports_scale.py --sizes 10000 --runs 9

For each size it builds a throwaway database (a SQLite file in a temporary folder, or a new
PostgreSQL database next to the one DATABASE_URL names, dropped afterwards), fills it with
bench/scale_data.py, signs in as the coordinator and requests each report several times through
the Flask test client. It prints the median, fastest and slowest server time and the SQL
statements per request (counted with SQLAlchemy's before_cursor_execute event). Prints figures,
asserts nothing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale_data import generate  # noqa: E402
from housingschool import create_app  # noqa: E402
from housingschool.accounts.models import User, utcnow  # noqa: E402
from housingschool.extensions import db  # noqa: E402
from tools.scratch_database import scratch_database  # noqa: E402

OSLO = ZoneInfo("Europe/Oslo")
TARGET_SECONDS = 0.5


@contextmanager
def throwaway_database():
    """A fresh, empty database URL (DATABASE_URL's server, else SQLite); removed afterwards."""
    with tempfile.TemporaryDirectory() as folder, scratch_database(
            os.environ.get("DATABASE_URL"), Path(folder), "hs_bench") as url:
        yield url


class Counter:
    """Counts SQL statements sent to the database."""

    def __init__(self):
        self.count = 0

    def __call__(self, *_args):
        self.count += 1


def measure(client, url: str, runs: int, counter: Counter) -> tuple[list[float], int, int]:
    """Server times of `runs` requests (after one warm-up), statements per request, bytes."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times, statements = [], set()
    for _run in range(runs):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        statements.add(counter.count)
    return times, max(statements), len(response.data)


def bench_size(participants: int, runs: int) -> list[dict]:
    """Build one organisation of `participants` and time every report; one dict per page."""
    with throwaway_database() as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            data = generate(participants, app.extensions["catalogue"], utcnow())
            made = time.perf_counter() - started
            print(f"  {participants:,} participants: {sum(data.rows.values()):,} rows in "
                  f"{made:.1f} s ({', '.join(f'{k} {v:,}' for k, v in data.rows.items())})",
                  flush=True)
            if db.engine.dialect.name == "postgresql":
                # What autovacuum does soon after bulk inserts in production: statistics for
                # the planner and the visibility map that index-only scans need. Autocommit:
                # VACUUM refuses a transaction, and an ANALYZE in one that is rolled back
                # leaves no statistics at all.
                with db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(sa.text("VACUUM ANALYZE"))
            db.session.remove()
        today = utcnow().astimezone(OSLO).date()
        quarter = f"start={(today - timedelta(days=89)).isoformat()}&end={today.isoformat()}"
        pages = [
            ("overview (last 90 days)", "/reports/"),
            ("group page", f"/reports/groups/{data.group_id}"),
            ("participant page", f"/reports/participants/{data.participant_id}"),
            ("completion CSV", "/reports/completion?format=csv"),
            ("hours CSV (this month)", "/reports/hours?format=csv"),
            ("hours CSV (last 90 days)", f"/reports/hours?format=csv&{quarter}"),
        ]
        with app.app_context():
            engine = db.engine
            login_id = db.session.get(User, data.coordinator_id).get_id()
            db.session.remove()
        # No app context around the requests: each gets its own, with an empty session, as in
        # production (an open context would keep rows cached between requests).
        client = app.test_client()
        with client.session_transaction() as session:  # signed in as the coordinator
            session["_user_id"] = login_id
            session["_fresh"] = True
        counter, results = Counter(), []
        sa.event.listen(engine, "before_cursor_execute", counter)
        for name, page in pages:
            times, statements, size = measure(client, page, runs, counter)
            results.append({"participants": participants, "page": name, "size": size,
                            "median": statistics.median(times), "fastest": min(times),
                            "slowest": max(times), "statements": statements})
        sa.event.remove(engine, "before_cursor_execute", counter)
        engine.dispose()
        return results


def print_table(results: list[dict], database: str, runs: int) -> None:
    print(f"\nDatabase: {database}; {runs} runs per page, times are server time in ms")
    print(f"{'participants':>12}  {'page':<26}{'median':>8}{'fastest':>9}{'slowest':>9}"
          f"{'SQL':>5}{'KiB':>8}  target")
    for r in results:
        ok = "ok" if r["median"] < TARGET_SECONDS else "SLOW"
        print(f"{r['participants']:>12,}  {r['page']:<26}{r['median'] * 1000:>8.0f}"
              f"{r['fastest'] * 1000:>9.0f}{r['slowest'] * 1000:>9.0f}{r['statements']:>5}"
              f"{r['size'] / 1024:>8.0f}  {ok}")
    by_page: dict[str, set[int]] = {}
    for r in results:
        by_page.setdefault(r["page"], set()).add(r["statements"])
    same = all(len(counts) == 1 for counts in by_page.values())
    print("Statements per request " + ("are the same at every size." if same
                                       else "CHANGE with the number of participants!"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="participant counts, comma-separated (groups of 25)")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    args = parser.parse_args()
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"Reports at scale on {database}. The course has 23 lessons: every participant "
          "opens all 23 and makes 35 quiz attempts (23 + 12 second tries), 20 sessions per "
          "group of 25.")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results += bench_size(size, args.runs)
    print_table(results, database, args.runs)


if __name__ == "__main__":
    main()
