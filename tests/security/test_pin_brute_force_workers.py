"""PIN guessing across several app servers: the failed-sign-in limit holds for all of them.

A real gunicorn with 3 workers (the project's gunicorn.conf.py, development settings, SQLite
only: the limit lives in Redis, not in the database) and LOGIN_LIMIT_ACCOUNT = 5 per 15
minutes. Wrong PINs arrive at the same moment on new connections, so different workers answer
them (gunicorn's access log names the worker). With Redis the 6th try is refused whichever
worker gets it, and so is the right PIN, until the limit is reset. With memory:// storage each
worker counts alone, which is why production needs RATELIMIT_STORAGE_URI.
"""

import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
from flask_migrate import upgrade

from housingschool import create_app
from housingschool.accounts.models import Organisation
from housingschool.accounts.services import create_user
from housingschool.extensions import db

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 9  # this test's own Redis database: emptied before and after
REDIS_URI = f"redis://127.0.0.1:6379/{REDIS_DB}"
PIN, WRONG = "739146", [f"{n:06d}" for n in range(583201, 583207)]
LIMIT = 5
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
@pytest.fixture(scope="module")
def redis_db():
    """Redis database 9, empty; skipped without Redis unless in CI, where it must be there."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI runs with Redis at 127.0.0.1:6379 and it is not reachable")
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable (start it to run this test)")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """Environment for a development server on a migrated SQLite file with one participant
    (whose PIN is hashed with scrypt, as the server would hash it)."""
    folder = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{folder / 'site.sqlite3'}"
    site = create_app("testing", SQLALCHEMY_DATABASE_URI=url, PASSWORD_HASH_METHOD="scrypt")
    with site.app_context():
        upgrade()
        organisation = Organisation(slug="hamar", name="Hamar kommune")
        db.session.add(organisation)
        create_user(organisation, "amina", "Amina", "participant", PIN)
        db.session.commit()
        db.engine.dispose()
    env = {**os.environ, "HOUSINGSCHOOL_CONFIG": "development", "INSTANCE_PATH": str(folder),
           "DATABASE_URL": url, "SECRET_KEY": "brute-force-test-secret-key-0123456789abcdef",
           "LOGIN_LIMIT_ACCOUNT": f"{LIMIT} per 15 minutes"}
    return folder, env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with 3 workers; its access log records which worker (pid) answered what."""

    def __init__(self, folder: Path, env: dict, storage: str):
        self.port, self.folder = _free_port(), folder
        self.log = folder / f"access-{self.port}.log"
        self.errors = (folder / "gunicorn.err").open("ab")
        self.pidfile = folder / f"gunicorn-{self.port}.pid"
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", "3", "-b", f"127.0.0.1:{self.port}",
             "--no-control-socket", "--pid", str(self.pidfile), "--access-logfile",
             str(self.log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
             "housingschool:create_app()"],
            cwd=ROOT, env={**env, "RATELIMIT_STORAGE_URI": storage},
            stdout=subprocess.DEVNULL, stderr=self.errors, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_until_ready(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not start: {(self.folder / 'gunicorn.err')}")

    def stop(self) -> None:
        """Stop the master (its pid from the pid file) and its workers: the test needs no
        graceful shutdown, and gunicorn started in a process group of its own."""
        pid = int(self.pidfile.read_text()) if self.pidfile.exists() else self.process.pid
        os.killpg(os.getpgid(pid), signal.SIGKILL)
        self.process.wait(timeout=10)
        self.errors.close()

    def workers_of(self, method: str, path: str, count: int) -> list[str]:
        """The worker pids that answered the first `count` of these requests, in order
        (a worker writes its log line just after answering, so wait for it)."""
        deadline = time.monotonic() + 5
        while True:
            lines = self.log.read_text().splitlines()
            found = [pid for pid, m, p, _s in (line.split() for line in lines)
                     if (m, p) == (method, path)]
            if len(found) >= count or time.monotonic() > deadline:
                return found[:count]
            time.sleep(0.05)


def sign_in(url: str, pin: str) -> int:
    """One sign-in on a new connection, as a new phone would: the form first, then the PIN."""
    with httpx.Client(base_url=url, timeout=10,
                      limits=httpx.Limits(max_keepalive_connections=0)) as phone:
        token = TOKEN.search(phone.get("/login").text).group(1)
        return phone.post("/login", data={"csrf_token": token, "username": "amina",
                                          "secret": pin}).status_code


@pytest.fixture
def server(seeded, request):
    """A running gunicorn with the storage the test asks for; always stopped afterwards."""
    folder, env = seeded
    started = Gunicorn(folder, env, request.param)
    try:
        started.wait_until_ready()
        yield started
    finally:
        started.stop()


def _guess_at_once(server: Gunicorn, pins: list[str]) -> list[int]:
    with ThreadPoolExecutor(len(pins)) as pool:
        return list(pool.map(lambda pin: sign_in(server.url, pin), pins))


@pytest.mark.parametrize("server", [REDIS_URI], indirect=True)
def test_the_limit_holds_across_workers_with_redis(redis_db, server):
    assert _guess_at_once(server, WRONG[:LIMIT]) == [401] * LIMIT
    workers = server.workers_of("POST", "/login", LIMIT)
    assert len(set(workers)) >= 2, f"all guesses went to one worker: {workers}"
    assert sign_in(server.url, WRONG[LIMIT]) == 429
    assert sign_in(server.url, PIN) == 429  # the right PIN too: the account waits
    redis_db.flushdb()  # what 15 minutes would do
    assert sign_in(server.url, PIN) == 302


@pytest.mark.parametrize("server", ["memory://"], indirect=True)
def test_with_memory_storage_each_worker_counts_alone(server):
    """The contrast: each answer depends only on the count of the worker that gives it, so
    the account gets more than 5 wrong guesses and then the right PIN still works."""
    assert _guess_at_once(server, WRONG[:LIMIT]) == [401] * LIMIT
    failures = Counter(server.workers_of("POST", "/login", LIMIT))
    assert len(failures) >= 2, f"all guesses went to one worker: {failures}"
    for number, pin in enumerate([WRONG[LIMIT], PIN], start=LIMIT + 1):
        answer = sign_in(server.url, pin)
        worker = server.workers_of("POST", "/login", number)[-1]
        expected = 429 if failures[worker] >= LIMIT else (302 if pin == PIN else 401)
        assert answer == expected, (pin, worker, failures)
        failures[worker] += answer == 401
    assert sum(failures.values()) == LIMIT + 1 and answer == 302
