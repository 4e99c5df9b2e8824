"""300 participants in class at once against the production server, then the database checked.

    .venv/bin/python bench/load.py                          # SQLite, then PostgreSQL
    .venv/bin/python bench/load.py --database sqlite --users 300 --seconds 60

For each database: a throwaway database (a SQLite file, or `hs_load_<random>` on the local
PostgreSQL, dropped afterwards), `flask db upgrade`, one group of participants with PINs and a
session whose check-in is open (bench/loadkit.py). Then gunicorn with the project's
gunicorn.conf.py (4 sync workers) and production settings, rate limits in Redis, and one
simulated phone per participant (bench/loadphone.py) for `--seconds`. It prints requests per
second, latencies as the phones saw them (and as the server's request log saw them), errors,
and then checks the database: every acknowledged quiz attempt and check-in stored exactly once
(bench/loadcheck.py). Last, the anonymous lesson page's throughput against gunicorn serving the
same bytes as a static file (bench/static_bytes.py). Exits 1 if a target is missed.
"""

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadkit  # noqa: E402
from bench.loadcheck import Check, write_checks  # noqa: E402
from bench.loadphone import Journal, Settings, drive  # noqa: E402
from bench.static_bytes import fetch, hammer, request_bytes, save  # noqa: E402

P95_TARGET = 0.3
KINDS = ("login form", "login", "home", "check-in form", "check-in", "my sessions", "module",
         "lesson", "quiz", "quiz re-send", "result")
STATIC_CONF = """import os
bind = os.environ["BIND"]
workers = 4
preload_app = True
keepalive = 5
timeout = 30
control_socket_disable = True
accesslog = None
errorlog = "-"
"""


def print_latencies(journal: Journal, seconds: float) -> tuple[list[float], list[float]]:
    """Requests, requests/s and latency percentiles per kind, for the whole run and for the
    time after the last sign-in; returns the latencies of both."""
    calls = journal.calls
    span = max(c.started + c.seconds for c in calls)
    print(f"\n{len(calls)} requests in {span:.1f} s: {len(calls) / span:.0f} requests/s "
          f"(load for {seconds:.0f} s, then the writes in flight finished)")
    logins = [c for c in calls if c.kind == "login" and c.error is None]
    signed_in = max((c.started + c.seconds for c in logins), default=span)
    if logins:
        first = min(c.started for c in logins)
        print(f"{len(logins)} sign-ins answered between {first:.1f} s and {signed_in:.1f} s: "
              f"{len(logins) / (signed_in - first):.1f} per second (each checks a scrypt hash)")
    later = [c for c in calls if c.started > signed_in]
    for title, chosen in (("the whole run", calls),
                          (f"after the last sign-in ({signed_in:.0f} s on)", later)):
        print(f"Latency as the phones saw it, {title}:")
        print(f"  {'':<14}{'count':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}  ms")
        by_kind = defaultdict(list)
        for call in chosen:
            by_kind[call.kind].append(call.seconds)
        for kind in (k for k in KINDS if by_kind[k]):
            print(loadkit.latency_line(kind, by_kind[kind]))
        print(loadkit.latency_line("all", [c.seconds for c in chosen]))
    return [c.seconds for c in calls], [c.seconds for c in later]


def p95_check(name: str, latencies: list[float]) -> Check:
    if not latencies:
        return Check(name, False, "no requests")
    p95 = loadkit.percentile(latencies, 0.95)
    return Check(name, p95 < P95_TARGET, f"{p95 * 1000:.0f} ms over {len(latencies)} requests")


def print_errors(journal: Journal) -> int:
    errors = Counter((c.kind, c.error) for c in journal.calls if c.error)
    print(f"errors: {sum(errors.values())}" + "".join(
        f"\n  {count} x {kind}: {error}" for (kind, error), count in errors.most_common()))
    return sum(errors.values())


def print_server_latencies(log: Path) -> None:
    """The same from the app's JSON request log: time inside the app, without the queue."""
    times, statuses = defaultdict(list), Counter()
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("event") == "request":
            times[f"{entry['method']} {entry['endpoint']} ({entry['role']})"].append(
                entry["ms"] / 1000)
            statuses[entry["status"]] += 1
    print(f"server side (request log {log}), statuses {dict(sorted(statuses.items()))}:")
    print(f"  {'':<40}{'count':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}  ms")
    for name in sorted(times, key=lambda n: -len(times[n])):
        print(loadkit.latency_line(name, times[name], 40))


async def lesson_throughput(server: loadkit.Server, folder: Path, path: str,
                            seconds: float, connections: int) -> tuple[dict, dict]:
    """Requests/s of the anonymous lesson page, and of the same bytes as a static file."""
    host = "127.0.0.1"
    reader, writer = await asyncio.open_connection(host, server.port)
    status, headers, body = await fetch(reader, writer, request_bytes(host, server.port, path))
    writer.close()
    assert status == 200, status
    cookie = headers.get("set-cookie", "").split(";", 1)[0]  # a returning visitor's cookie
    page = await hammer(host, server.port, path, connections, seconds, cookie)
    save(folder / "lesson.body", body, headers)
    static_env = {**server.env, "BIND": f"{host}:{loadkit.free_port()}",
                  "STATIC_BYTES_FILE": str(folder / "lesson.body")}
    (folder / "static.conf.py").write_text(STATIC_CONF)
    static = loadkit.Server(static_env, folder / "static.log", [
        str(loadkit.ROOT / ".venv/bin/gunicorn"), "-c", str(folder / "static.conf.py"),
        "--chdir", str(loadkit.ROOT / "bench"), "static_bytes:app"])
    with loadkit.running(static, health_path="/"):
        bytes_only = await hammer(host, static.port, path, connections, seconds, cookie)
    print(f"\nAnonymous lesson page {path} ({len(body):,} bytes, "
          f"{headers.get('content-encoding', 'identity')}), {connections} connections for "
          f"{seconds:.0f} s each (gunicorn's sync workers close the connection after each "
          "answer, so every request opens a new one):")
    for name, figures in (("the app", page), ("same bytes, static", bytes_only)):
        print(f"  {name:<20}{figures['per_second']:>8.0f} requests/s  "
              f"({figures['ok']} answers, {figures['errors']} errors)")
    print(f"  ratio app/static: {page['per_second'] / bytes_only['per_second']:.2f}")
    return page, bytes_only


def run(kind: str, args) -> bool:
    """One database: seed, serve, load, report, check. True when every target is met."""
    folder = Path(tempfile.mkdtemp(prefix=f"hs_load_{kind}_"))
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]
    print(f"\n=== {name}: {args.users} participants for {args.seconds:.0f} s ===")
    with loadkit.throwaway_database(kind, folder) as url:
        env = loadkit.server_environment(url, folder, loadkit.free_port())
        loadkit.migrate(env)
        seeded = loadkit.seed(url, args.users)
        loadkit.clear_rate_limits()
        settings = Settings("", args.seconds, args.ramp, think=tuple(args.think))
        print(f"Seeded {args.users} participants in one group: the first by the app's "
              "create_user (its PIN hashed with scrypt, as in production), the others share "
              "that hash (same PIN, same cost to check at sign-in).")
        print(f"Phones start evenly over {args.ramp:.0f} s; think {settings.think[0]:.0f}-"
              f"{settings.think[1]:.0f} s between steps; {settings.resend_share:.0%} of quizzes "
              "sent twice (the copy 0-0.3 s after the first); no retries; 60 s client timeout."
              f"\nLOGIN_LIMIT_ADDRESS={loadkit.LIMITS['LOGIN_LIMIT_ADDRESS']!r} for the run: "
              "every phone comes from 127.0.0.1 (a class behind one NAT).")
        server = loadkit.Server(env, folder / "gunicorn.log")
        with loadkit.running(server):
            settings.base_url = server.base_url
            journal = Journal()
            with loadkit.CpuMeter(server):
                asyncio.run(drive(seeded.usernames[:args.users], seeded, settings, journal))
            journal.save(folder / "requests.csv")
            latencies, after_sign_in = print_latencies(journal, args.seconds)
            errors = print_errors(journal)
            first_module = next(iter(seeded.modules))
            asyncio.run(lesson_throughput(
                server, folder, f"/modules/{first_module}/{seeded.modules[first_module][0]}",
                args.throughput_seconds, 32))
        print_server_latencies(server.log)
        checks = [Check("no errors", errors == 0, f"{errors} errors"),
                  *write_checks(url, seeded, journal),
                  p95_check("p95 latency under 300 ms", latencies),
                  p95_check("p95 latency under 300 ms once everyone has signed in",
                            after_sign_in)]
    return loadkit.verdict(name, folder, checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp", type=float, default=10, help="seconds to start every phone")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0), metavar=("MIN", "MAX"),
                        help="seconds a phone waits between steps (default 1 4: busier than people "
                             "reading a lesson; bench/README.md also reports 3 8)")
    parser.add_argument("--throughput-seconds", type=float, default=10)
    args = parser.parse_args()
    return loadkit.each_database(run, args)


if __name__ == "__main__":
    sys.exit(main())
