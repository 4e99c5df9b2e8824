"""Kill a worker, then the whole server, while participants work; nothing acknowledged may be
lost and the database must stay whole.

    .venv/bin/python bench/crash.py                        # SQLite, then PostgreSQL
    .venv/bin/python bench/crash.py --database postgresql --users 100 --seconds 40

The same class, server and phones as bench/load.py, except that a phone whose request failed
(no answer, or a 5xx) sends it again after 1 to 2 s, the same form with the same attempt id, as
a phone's offline queue does. During the load: SIGKILL one gunicorn worker (the master must
start another), later SIGKILL the master and every worker at once (a power cut, the OOM
killer), and start gunicorn again a few seconds later on the same database. The load goes on
to the end. It prints what the phones saw in each phase, how long recovery took, and then
checks that every acknowledged quiz attempt and check-in is stored exactly once and that the
database passes its integrity checks (bench/loadcheck.py). Exits 1 on any FAIL.
"""

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadkit  # noqa: E402
from bench.loadcheck import Check, integrity_checks, write_checks  # noqa: E402
from bench.loadphone import Journal, Settings, drive  # noqa: E402

WRITES = ("quiz", "quiz re-send", "check-in", "login")
# httpx's names for "connected (and maybe sent), then no answer"; ConnectError is "not sent".
ANSWER_LOST = {"ReadError", "RemoteProtocolError", "ReadTimeout", "WriteError"}
SETTLE = 2.0  # seconds after recovery in which failures of requests caught by a kill may end


@dataclass
class Timeline:
    """When each fault happened and when the server was whole again (seconds into the load)."""

    journal: Journal
    moments: dict[str, float] = field(default_factory=dict)

    def note(self, moment: str, text: str, at: float | None = None) -> None:
        self.moments[moment] = self.journal.now() if at is None else at
        print(f"  {self.moments[moment]:6.1f} s  {text}", flush=True)

    async def until(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds - self.journal.now()))

    async def writes_in_flight(self, longest: float = 5.0) -> str:
        """Wait (up to `longest` s) until a quiz or check-in is on its way, and 0-30 ms more
        (a quiz takes about 15 ms to save), so the kill may catch one being saved or just
        saved and not yet answered; says what is in flight then."""
        waited = 0.0
        while waited < longest and not any(self.journal.in_flight[k] for k in WRITES[:3]):
            await asyncio.sleep(0.002)
            waited += 0.002
        await asyncio.sleep(random.uniform(0, 0.03))
        flying = ", ".join(f"{n} {k}" for k in WRITES if (n := self.journal.in_flight[k]))
        return f"in flight: {flying or 'no writes'}"


def group_members(pgid: int) -> list[int]:
    """Processes still alive (not zombies waiting to be reaped) in gunicorn's process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(group) == pgid and state != "Z":
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


async def faults(server: loadkit.Server, timeline: Timeline, args, database: Path | None):
    """Kill one worker, then everything, then start the server again."""
    await timeline.until(args.kill_worker_at)
    flying = await timeline.writes_in_flight()
    workers = server.workers()
    victim = workers[len(workers) // 2]
    os.kill(victim, signal.SIGKILL)  # noted right after: nothing it caught can end before
    timeline.note("worker_killed", f"SIGKILL worker {victim} of {len(workers)}; {flying}")
    while victim in (now := server.workers()) or len(now) < len(workers):
        await asyncio.sleep(0.05)
    timeline.note("worker_back", f"the master has {len(now)} workers again (new: "
                  f"{sorted(set(now) - set(workers))})")
    await timeline.until(args.kill_server_at)
    flying = await timeline.writes_in_flight()
    master, killed_at = server.master_pid, timeline.journal.now()
    await asyncio.to_thread(server.kill_all)
    for _wait in range(40):  # the workers take a moment to die after the master
        if not group_members(master):
            break
        await asyncio.sleep(0.05)
    wal = database.with_name(database.name + "-wal") if database else None
    timeline.note("server_killed", f"SIGKILL master {master} and all workers; {flying}; "
                  f"processes left: {len(group_members(master))}"
                  + (f"; SQLite WAL file {wal.stat().st_size:,} bytes" if wal and wal.exists()
                     else ""), at=killed_at)
    await timeline.until(killed_at + args.down)
    timeline.note("restarted", "starting gunicorn again on the same database")
    took = await asyncio.to_thread(server.start)
    timeline.note("answering", f"/healthz answers ({took:.1f} s after the start)")


async def load_with_faults(server, seeded, settings, timeline: Timeline, args, database):
    """The phones and the faults at once, on one clock."""
    timeline.journal.start_clock()
    await asyncio.gather(drive(seeded.usernames, seeded, settings, timeline.journal),
                         faults(server, timeline, args, database))


def phase(end: float, moments: dict[str, float]) -> str:
    """Which phase a request that ended at `end` belongs to."""
    if end < moments["worker_killed"]:
        return "before the faults"
    if end <= moments["worker_back"] + SETTLE:
        return "worker killed"
    if end < moments["server_killed"]:
        return "between the faults"
    if end <= moments["answering"] + SETTLE:
        return "server down"
    return "after recovery"


def print_writes(journal: Journal) -> None:
    """How the faults hit the writes: sends that never reached the server, sends whose answer
    was lost (the server may have saved them), and writes acknowledged only after a retry."""
    print("Writes hit by the faults (each sent again until acknowledged):")
    for kind in WRITES:
        calls = [c for c in journal.calls if c.kind == kind]
        failed = Counter("answer lost" if c.error in ANSWER_LOST else "not sent"
                         for c in calls if c.error)
        retried = [c.tries for c in calls if c.error is None and c.tries > 1]
        after = (f"{len(retried)} acknowledged after 2-{max(retried)} tries" if retried
                 else "none acknowledged after a retry")
        print(f"  {kind:<13}{len(calls):>5} sends, {failed['not sent']:>3} could not connect, "
              f"{failed['answer lost']:>3} sent but the answer was lost; {after}")


def saved_before_loss(url: str, journal: Journal) -> str:
    """How many writes whose answer a kill lost had been saved already: the case that only
    the attempt id (quizzes) and the attendance rule (check-ins) keep from being doubled."""
    lost = {}  # (kind, key) -> wall-clock time the answer was lost
    for c in journal.calls:
        if c.error in ANSWER_LOST and c.kind in WRITES[:3]:
            kind = "check-in" if c.kind == "check-in" else "quiz"
            lost[kind, c.key] = journal.wall + c.started + c.seconds
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        quiz = connection.execute(sa.text("SELECT attempt_id, submitted_at FROM quiz_attempt")
                                  .columns(attempt_id=sa.String, submitted_at=sa.DateTime))
        checkin = connection.execute(sa.text(
            "SELECT u.username, a.marked_at FROM attendance a JOIN app_user u "
            "ON u.id = a.user_id").columns(username=sa.String, marked_at=sa.DateTime))
        saved = {("quiz", k): t for k, t in quiz} | {("check-in", k): t for k, t in checkin}
    engine.dispose()

    def epoch(moment) -> float:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()

    early = Counter(kind for (kind, key), when in lost.items()
                    if (kind, key) in saved and epoch(saved[kind, key]) < when)
    return (f"Answers lost after the server had saved the write: {early['quiz']} of "
            f"{sum(k == 'quiz' for k, _ in lost)} quiz attempts, {early['check-in']} of "
            f"{sum(k == 'check-in' for k, _ in lost)} check-ins; the phone's retry got the "
            "saved one.")


def report(journal: Journal, moments: dict[str, float]) -> list[Check]:
    """What the phones saw in each phase; errors outside the two outages are failures."""
    phases: dict[str, list] = {}
    for call in journal.calls:
        phases.setdefault(phase(call.started + call.seconds, moments), []).append(call)
    print(f"\n{'phase':<20}{'requests':>9}{'errors':>8}{'p95 ms':>8}  errors by request")
    for name in ("before the faults", "worker killed", "between the faults", "server down",
                 "after recovery"):
        calls = phases.get(name, [])
        errors = Counter(f"{c.kind}: {c.error}" for c in calls if c.error)
        p95 = loadkit.percentile([c.seconds for c in calls], 0.95) * 1000 if calls else 0
        print(f"{name:<20}{len(calls):>9}{sum(errors.values()):>8}{p95:>8.0f}  "
              + ", ".join(f"{n} x {e}" for e, n in errors.most_common()))
    ok_after = [c.started + c.seconds for c in journal.calls
                if c.error is None and c.started > moments["server_killed"]]
    first_ok = min(ok_after, default=None)
    if first_ok is not None:
        print(f"Phones were served again {first_ok - moments['server_killed']:.1f} s after the "
              f"kill ({first_ok - moments['restarted']:.1f} s after the restart began).")
    print_writes(journal)
    stray = [c for name in ("before the faults", "between the faults", "after recovery")
             for c in phases.get(name, []) if c.error]
    return [Check("no errors outside the two outages", not stray, f"{len(stray)} errors"),
            Check("the server answered again after the restart", first_ok is not None,
                  "yes" if first_ok else "never")]


def run(kind: str, args) -> bool:
    folder = Path(tempfile.mkdtemp(prefix=f"hs_crash_{kind}_"))
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    print(f"\n=== Crash test on {name}: {args.users} participants for {args.seconds:.0f} s ===")
    with loadkit.throwaway_database(kind, folder) as url:
        env = loadkit.server_environment(url, folder, loadkit.free_port())
        loadkit.migrate(env)
        seeded = loadkit.seed(url, args.users)
        loadkit.clear_rate_limits()
        server = loadkit.Server(env, folder / "gunicorn.log")
        print(f"Phones start over {args.ramp:.0f} s and retry a failed request after 1-2 s; "
              f"server log: {server.log}")
        settings = Settings("", args.seconds, args.ramp, retry=True)
        journal = Journal()
        timeline = Timeline(journal)
        database = folder / "hs_load.sqlite3" if kind == "sqlite" else None
        with loadkit.running(server):
            settings.base_url = server.base_url

            asyncio.run(load_with_faults(server, seeded, settings, timeline, args, database))
        journal.save(folder / "requests.csv")
        checks = report(journal, timeline.moments)
        print(saved_before_loss(url, journal))
        checks += write_checks(url, seeded, journal) + integrity_checks(url)
    return loadkit.verdict(name, folder, checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--ramp", type=float, default=25,
                        help="phones arrive over this many seconds, so some sign in, check in "
                             "and send quizzes while the server is killed")
    parser.add_argument("--kill-worker-at", type=float, default=10)
    parser.add_argument("--kill-server-at", type=float, default=20)
    parser.add_argument("--down", type=float, default=3, help="seconds before the restart")
    args = parser.parse_args()
    return loadkit.each_database(run, args)


if __name__ == "__main__":
    sys.exit(main())
