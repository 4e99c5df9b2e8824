"""The production server as `make serve-prod` runs it: gunicorn, production settings, behind a
proxy. Started for real, on the run's database (SQLite file or PostgreSQL)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from housingschool import create_app

ROOT = Path(__file__).parents[2]
SECRET = "x" * 16 + "production-test-key-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """gunicorn with gunicorn.conf.py and two workers on the test run's (migrated) database."""
    port = free_port()
    env = {**os.environ, "HOUSINGSCHOOL_CONFIG": "production", "SECRET_KEY": SECRET,
           "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "PROXY_COUNT": "1"}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "housingschool:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", tmp_path / "server.log", server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def test_gunicorn_serves_with_production_settings(gunicorn):
    base, log, _server = gunicorn
    response = httpx.get(f"{base}/login", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers
    cookie = response.headers.get("set-cookie", "")
    assert not cookie or ("Secure" in cookie and "HttpOnly" in cookie)
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok", "database": "ok"}
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {"route": "/login", "status": 200} in [
        {"route": line["route"], "status": line["status"]} for line in lines]


def test_the_master_replaces_a_worker_that_dies(gunicorn):
    base, log, _server = gunicorn
    booted = log.read_text().count("Booting worker")
    workers = [int(pid) for pid in subprocess.run(
        ["pgrep", "-P", str(_server.pid)], capture_output=True, text=True).stdout.split()]
    os.kill(workers[0], signal.SIGKILL)

    deadline = time.monotonic() + 15
    while log.read_text().count("Booting worker") == booted and time.monotonic() < deadline:
        time.sleep(0.2)
    assert log.read_text().count("Booting worker") == booted + 1
    assert all(httpx.get(f"{base}/healthz").status_code == 200 for _ in range(6))


def test_behind_a_proxy_the_visitor_address_and_scheme_come_from_it(database_url):
    site = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PROXY_COUNT=1)

    @site.get("/whoami")
    def whoami():
        from flask import request
        return {"address": request.remote_addr, "scheme": request.scheme}

    seen = site.test_client().get("/whoami", headers={
        "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}).get_json()
    assert seen == {"address": "203.0.113.9", "scheme": "https"}
    direct = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    assert direct.wsgi_app.__class__.__name__ != "ProxyFix", "no proxy: forwarded headers ignored"


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
