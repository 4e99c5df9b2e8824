"""What bench/load.py and bench/crash.py share: a throwaway database made by the migrations and
seeded with one class, the production server (gunicorn) started and killed, and the figures.

The simulated phones are in bench/loadphone.py, the database checks in bench/loadcheck.py.
"""

import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from housingschool import create_app  # noqa: E402
from housingschool.accounts.models import Organisation, User, utcnow  # noqa: E402
from housingschool.accounts.services import create_user  # noqa: E402
from housingschool.extensions import db  # noqa: E402
from housingschool.teaching.models import Group, GroupSession, Membership  # noqa: E402
from tools.scratch_database import scratch_database  # noqa: E402

POSTGRES_ADMIN = os.environ.get("BENCH_POSTGRES_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_DB = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PIN = "482913"
CHECKIN_CODE = "2718"
# All simulated phones come from 127.0.0.1, like a class behind one NAT; the sign-in limit
# counts per address, so it is raised for the run (it counts failed sign-ins only, and none fail).
LIMITS = {"LOGIN_LIMIT_ADDRESS": "100000 per minute"}


@contextmanager
def throwaway_database(kind: str, folder: Path):
    """An empty database URL: a SQLite file `hs_load.sqlite3` in `folder`, or a new PostgreSQL
    database that is dropped afterwards, also after Ctrl-C."""
    with scratch_database(None if kind == "sqlite" else POSTGRES_ADMIN, folder, "hs_load") as url:
        yield url


def verdict(name: str, folder: Path, checks) -> bool:
    """Print the checks; delete the SQLite file (its data was checked), keep the logs."""
    for leftover in folder.glob("hs_load.sqlite3*"):
        leftover.unlink()
    print(f"\nVerdict ({name}):\n" + "\n".join(check.line() for check in checks))
    print(f"Logs kept in {folder} (rm -r it when done)")
    return all(check.ok for check in checks)


def each_database(run, args) -> int:
    """`run(kind, args)` on SQLite, PostgreSQL or both, as --database says; the exit code (0 when
    every target is met, 130 after Ctrl-C, when the servers and databases are cleaned up)."""
    stop_on_sigterm()
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    try:
        results = [run(kind, args) for kind in kinds]
    except KeyboardInterrupt:
        print("\nInterrupted: servers stopped, throwaway databases dropped.")
        return 130
    return 0 if all(results) else 1


def server_environment(url: str, folder: Path, port: int) -> dict[str, str]:
    """The production settings for this run (config.py reads them)."""
    (folder / "instance").mkdir(exist_ok=True)
    return {**os.environ, "HOUSINGSCHOOL_CONFIG": "production",
            "SECRET_KEY": secrets.token_hex(32), "COOKIE_SECURE": "0", "DATABASE_URL": url,
            "INSTANCE_PATH": str(folder / "instance"), "RATELIMIT_STORAGE_URI": REDIS_DB,
            "REQUEST_LOG": "1", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "4", **LIMITS}


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade`, as a deployment runs it."""
    subprocess.run(  # noqa: S603 - our own command line
        [str(ROOT / ".venv/bin/flask"), "--app", "housingschool", "db", "upgrade"],
        env=env, cwd=ROOT, check=True, capture_output=True)


@dataclass
class Seeded:
    """The class the phones belong to, and the course they read."""

    usernames: list[str]
    session_id: int
    modules: dict[str, list[str]]  # module slug -> lesson slugs
    user_ids: dict[str, int] = field(default_factory=dict)


def seed(url: str, participants: int) -> Seeded:
    """One organisation, one group of `participants` with PINs, and a session whose check-in
    is open with a known code (what a teacher's "Open check-in" sets).

    The first participant is made by the app's own create_user (scrypt, as in production);
    the others get a copy of that hash: the same PIN, and the same cost to check at sign-in,
    without 300 scrypt hashes (about 0.2 s each here) before every run.
    """
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url,
                     PASSWORD_HASH_METHOD="scrypt")  # noqa: S106 - production's method
    with app.app_context():
        organisation = Organisation(slug="load", name="Load kommune")
        group = Group(organisation=organisation, name="Lasttest", join_code="LOADTEST01",
                      languages=["nb"])
        db.session.add_all([organisation, group])
        first = create_user(organisation, "load0001", "Deltaker 1", "participant", PIN,
                            group=group)
        for number in range(2, participants + 1):
            user = User(organisation=organisation, username=f"load{number:04}",
                        display_name=f"Deltaker {number}", role="participant",
                        password_hash=first.password_hash,
                        secret_kind="pin")  # noqa: S106 - a kind, not a secret
            db.session.add_all([user, Membership(group=group, user=user)])
        now = utcnow()
        session = GroupSession(group=group, starts_at=now - timedelta(minutes=5),
                               ends_at=now + timedelta(hours=3), place="Rom 1",
                               checkin_code=CHECKIN_CODE, checkin_open=True)
        db.session.add(session)
        db.session.commit()
        users = dict(db.session.execute(sa.select(User.username, User.id)).all())
        modules = {m.slug: [lesson.slug for lesson in m.lessons]
                   for m in app.extensions["catalogue"].modules}
        seeded = Seeded(sorted(users), session.id, modules, users)
        db.engine.dispose()
    return seeded


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the project's gunicorn.conf.py, in its own process group (so it can be
    killed whole), its stderr (gunicorn's lines and the app's JSON request log) in a file."""

    def __init__(self, env: dict[str, str], log: Path, command: list[str] | None = None):
        self.env, self.log = env, log
        self.port = int(env["BIND"].rsplit(":", 1)[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.pidfile = log.with_suffix(".pid")
        self.command = command or [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py",
                                   "housingschool:create_app()"]
        self.process: subprocess.Popen | None = None

    def start(self, health_path: str = "/healthz", timeout: float = 30) -> float:
        """Start and wait until it answers; returns the seconds that took. If it does not
        answer, nothing of it is left running."""
        started = time.monotonic()
        with self.log.open("ab") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [*self.command[:-1], "--pid", str(self.pidfile), self.command[-1]],
                env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
                start_new_session=True)
        try:
            return self._wait_until_answering(started, health_path, timeout)
        except BaseException:
            self.kill_all()
            raise

    def _wait_until_answering(self, started: float, health_path: str, timeout: float) -> float:
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log}")
            try:
                if httpx.get(self.base_url + health_path, timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log}")

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        """The master's child processes (the workers), from /proc."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.master_pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once (a power cut, an OOM kill)."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Shut down gracefully, then make sure nothing of it is left."""
        if self.process is None or self.process.poll() is not None:
            self.kill_all()
            return
        self.process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=25)
        self.kill_all()


@contextmanager
def running(server: Server, health_path: str = "/healthz"):
    """The server, started, and stopped (killed if need be) however the block ends."""
    try:
        server.start(health_path)
        yield server
    finally:
        server.stop()


def _cpu_of(pid: int, with_children: bool) -> float:
    """CPU seconds of one process (and of its children it has reaped), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(f) for f in fields[11:15 if with_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, every core together."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - values[3] - values[4]) / ticks, sum(values) / ticks


@dataclass
class CpuMeter:
    """CPU used by the server, by this process (the phones) and by the whole machine."""

    server: Server
    start: tuple[float, float, float, float] = (0, 0, 0, 0)

    def _now(self) -> tuple[float, float, float, float]:
        server = _cpu_of(self.server.master_pid, True) + sum(
            _cpu_of(pid, False) for pid in self.server.workers())
        return (server, time.process_time(), *machine_cpu())

    def __enter__(self):
        self.start = self._now()
        return self

    def __exit__(self, *_exc):
        server, phones, busy, total = (b - a for a, b in zip(self.start, self._now(),
                                                             strict=True))
        print(f"CPU during the load: gunicorn {server:.0f} s, the phones (this script) "
              f"{phones:.0f} s; the machine was busy {busy:.0f} of {total:.0f} CPU seconds "
              f"({os.cpu_count()} cores; the rest of the busy time is other programs)")


def clear_rate_limits() -> None:
    """Empty the Redis database this bench uses for rate limits (its own: BENCH_REDIS_URL)."""
    redis.Redis.from_url(REDIS_DB).flushdb()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95 for p95) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def latency_line(name: str, seconds: list[float], width: int = 14) -> str:
    """"name  count  p50  p95  p99  max" in milliseconds."""
    if not seconds:
        return f"  {name:<{width}}{0:>8}"
    figures = [percentile(seconds, s) * 1000 for s in (0.5, 0.95, 0.99, 1.0)]
    return f"  {name:<{width}}{len(seconds):>8}" + "".join(f"{f:>9.0f}" for f in figures)


def stop_on_sigterm() -> None:
    """A SIGTERM (e.g. from a CI runner) unwinds like Ctrl-C, so `finally` blocks clean up."""
    def _raise(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, _raise)
