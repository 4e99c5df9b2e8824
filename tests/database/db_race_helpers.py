"""Helpers the database tests share: a throwaway database of their own, and requests sent at
the same moment from several threads (plain functions, not fixtures)."""

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g, has_app_context

from tools.scratch_database import scratch_database as new_database

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ON_POSTGRESQL = bool(os.environ.get("DATABASE_URL"))
ROUNDS = 12  # races per test: enough to make an interleaving likely, quick enough (~1 s each)
only_on_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="SQLite serialises writers but has no row locks; set DATABASE_URL for PostgreSQL")


@contextmanager
def scratch_database(folder: Path) -> Iterator[str]:
    """The URL of a new, empty database (a SQLite file in `folder`, or a PostgreSQL database
    next to DATABASE_URL's), dropped afterwards: migrating the shared test database up and
    down would pull the tables from under the other tests."""
    with new_database(os.environ.get("DATABASE_URL"), folder, "hs_dbtest") as url:
        yield url


def at_once(*calls: Callable[[], object], timeout: float = 20) -> list:
    """Run each call in its own thread, all released by one barrier so they hit the server
    at the same moment; their results in order. An exception in a thread (a 500 propagates
    from the test client) is raised here, so a race that breaks the app fails the test."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in threads), "a request did not finish in time"
    return results


class Browser:
    """One phone or laptop: a test client of its own, at its own network address, with its
    CSRF token read once (it stays valid for the session, so threads need not load pages)."""

    def __init__(self, app, username: str | None = None, secret: str | None = None,
                 address: str = "127.0.0.1"):
        self.http = app.test_client()
        self.http.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
        self.csrf = self.token("/login")
        if username:
            response = self.post("/login", {"username": username, "secret": secret})
            assert response.status_code == 302, "sign-in failed"
            self.csrf = self.token("/")  # signing in starts a new session

    @staticmethod
    def _fresh_request() -> None:
        """A request in the test's own thread reuses its app context (see tests/conftest.py):
        start it with an empty `g`, as in production. Threads have no app context yet."""
        if has_app_context():
            g.__dict__.clear()

    def token(self, url: str) -> str:
        """The CSRF token on a page (every page has one once signed in: the sign-out form)."""
        match = CSRF.search(self.get(url).get_data(as_text=True))
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def get(self, url: str):
        self._fresh_request()
        return self.http.get(url)

    def post(self, url: str, data: dict):
        """POST a form with this browser's CSRF token."""
        self._fresh_request()
        return self.http.post(url, data={"csrf_token": self.csrf, **data})
