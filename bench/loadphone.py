"""Simulated participants for bench/load.py and bench/crash.py: one phone per participant,
each with its own cookies, doing what a participant does in class.

A phone signs in (the form, then the PIN), checks in to the session with the code on the
board, then reads: a module page, a lesson, the lesson's quiz (answers picked at random) and
its result, again and again, with 1 to 4 s of thinking between steps. Some quizzes are sent
twice, as phones do on a bad network or after a double tap: the copy goes 0 to 0.3 s after the
first, so some copies arrive while the first is still being saved.

Every request is noted (what, when, how long, the status, and whether it was what the phone
expected). A quiz is acknowledged when the phone got the redirect to that attempt's result; a
check-in when it got the redirect to "My sessions". With `retry` on (the crash test), a request
that failed (no answer, or a 5xx) is sent again after 1 to 2 s, the same form with the same
attempt id, as a phone's offline queue does.
"""

import asyncio
import csv
import html
import random
import re
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.loadkit import CHECKIN_CODE, PIN, Seeded

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ATTEMPT = re.compile(r'name="attempt_id" value="([^"]+)"')
QUIZ_ACTION = re.compile(r'action="(/modules/[^"]+/quiz)"')
OPTION = re.compile(r'<input type="(radio|checkbox)" name="(q-[^"]+)" value="([^"]+)"')
# One TLS context for every phone: httpx would build one per client (slow), though unused.
TLS = ssl.create_default_context()


@dataclass(frozen=True)
class Call:
    """One request as the phone saw it."""

    kind: str
    started: float  # seconds since the load began
    seconds: float
    status: int | None  # None: no answer (connection refused, reset, timeout)
    error: str | None  # None when the answer was the one expected
    tries: int = 1  # 2 and more: sent again after a failure (crash test)
    key: str = ""  # what a write was about: the attempt id, or the username for a check-in


@dataclass
class Settings:
    """How the phones behave."""

    base_url: str
    seconds: float  # how long the load lasts
    ramp: float  # phones start evenly spread over this many seconds
    think: tuple[float, float] = (1.0, 4.0)
    resend_share: float = 0.2
    retry: bool = False
    grace: float = 30.0  # after the end, a write already sent may still be retried this long
    timeout: float = 60.0


@dataclass
class Journal:
    """What every phone did, for the figures and the database checks."""

    started: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)  # the same moment by the wall clock
    calls: list[Call] = field(default_factory=list)
    sent: dict[str, set[str]] = field(default_factory=dict)  # username -> attempt ids sent
    acked: dict[str, set[str]] = field(default_factory=dict)  # username -> attempt ids acked
    in_flight: Counter = field(default_factory=Counter)  # kind -> requests awaiting an answer
    checkin_sent: set[str] = field(default_factory=set)  # usernames
    checked_in: set[str] = field(default_factory=set)  # check-ins acknowledged
    resends: int = 0

    def now(self) -> float:
        return time.monotonic() - self.started

    def start_clock(self) -> None:
        self.started, self.wall = time.monotonic(), time.time()

    def save(self, path: Path) -> None:
        """Every request as a CSV row, for a closer look after the run."""
        with path.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["kind", "started", "seconds", "status", "error", "tries"])
            writer.writerows((c.kind, f"{c.started:.3f}", f"{c.seconds:.3f}", c.status, c.error,
                              c.tries) for c in self.calls)


class Phone:
    """One participant's phone."""

    def __init__(self, username: str, seeded: Seeded, settings: Settings, journal: Journal,
                 rng: random.Random):
        self.username, self.seeded, self.settings = username, seeded, settings
        self.journal, self.rng = journal, rng
        self.client = httpx.AsyncClient(base_url=settings.base_url, verify=TLS,
                                        timeout=settings.timeout,
                                        headers={"Accept-Language": "nb"})

    def over(self) -> bool:
        return self.journal.now() >= self.settings.seconds

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.settings.think))

    async def call(self, kind: str, method: str, url: str, expect: int | tuple[int, ...],
                   data=None, write: bool = False, key: str = "") -> httpx.Response | None:
        """Send one request and note it; the response when it was the expected one.

        With retries on, no answer or a 5xx is tried again until the run ends (a write
        already sent: until the grace period after it ends too)."""
        give_up = self.settings.seconds + (self.settings.grace if write else 0)
        expected = expect if isinstance(expect, tuple) else (expect,)
        tries = 0
        while True:
            started, tries = self.journal.now(), tries + 1
            self.journal.in_flight[kind] += 1
            try:
                response = await self.client.request(method, url, data=data)
                status = response.status_code
                error = None if status in expected else f"HTTP {status}"
            except httpx.TransportError as exc:
                response, status, error = None, None, type(exc).__name__
            finally:
                self.journal.in_flight[kind] -= 1
            self.journal.calls.append(Call(kind, started, self.journal.now() - started,
                                           status, error, tries, key))
            if error is None:
                return response
            retryable = status is None or status >= 500
            if not (self.settings.retry and retryable) or self.journal.now() > give_up:
                return None
            await asyncio.sleep(self.rng.uniform(1.0, 2.0))

    async def run(self, delay: float) -> None:
        """Start after `delay` seconds, sign in, check in, then read and answer until the end."""
        await asyncio.sleep(delay)
        try:
            if await self.sign_in():
                await self.think()
                await self.check_in()
                while not self.over():
                    await self.think()
                    await self.quiz_round()
        finally:
            await self.client.aclose()

    async def sign_in(self) -> bool:
        """Sign in; with retries on, start again from the form if the answer was refused.

        That happens when the connection broke after the answer's headers: the phone kept
        the new session cookie (signed in, with a new CSRF secret) but not the page, and the
        form it sends again carries the old token (400). Asked for again, the sign-in form
        redirects (302): the phone is signed in."""
        for _attempt in range(3 if self.settings.retry else 1):
            page = await self.call("login form", "GET", "/login", (200, 302))
            if page is None:
                return False
            if page.status_code == 302:
                return True
            await self.think()
            answer = await self.call("login", "POST", "/login", 302, write=True, data={
                "csrf_token": CSRF.search(page.text)[1], "username": self.username,
                "secret": PIN})
            if answer is not None:
                await self.call("home", "GET", answer.headers["location"], 200)
                return True
        return False

    async def check_in(self) -> None:
        page = await self.call("check-in form", "GET", "/checkin", 200)
        if page is None:
            return
        await self.think()
        self.journal.checkin_sent.add(self.username)
        answer = await self.call("check-in", "POST", "/checkin", 302, write=True,
                                 key=self.username, data={
                                     "csrf_token": CSRF.search(page.text)[1],
                                     "code": CHECKIN_CODE})
        if answer is not None and answer.headers["location"].endswith("/sessions"):
            self.journal.checked_in.add(self.username)
            await self.call("my sessions", "GET", answer.headers["location"], 200)

    async def quiz_round(self) -> None:
        """A module page, one of its lessons, its quiz (maybe sent twice), the result."""
        slug = self.rng.choice(list(self.seeded.modules))
        page = await self.call("module", "GET", f"/modules/{slug}", 200)
        if page is None or self.over():
            return
        links = re.findall(rf'href="/modules/{re.escape(slug)}/([^"/?#]+)"', page.text)
        await self.think()
        lesson = self.rng.choice(links or self.seeded.modules[slug])
        page = await self.call("lesson", "GET", f"/modules/{slug}/{lesson}", 200)
        if page is None:
            return
        await self.think()  # reading
        if not self.over():
            await self.answer_quiz(page.text)

    async def answer_quiz(self, page: str) -> None:
        action, form = QUIZ_ACTION.search(page)[1], self.answers(page)
        attempt_id = form["attempt_id"]
        self.journal.sent.setdefault(self.username, set()).add(attempt_id)
        sends = [self.submit("quiz", action, form)]
        if self.rng.random() < self.settings.resend_share:
            self.journal.resends += 1
            sends.append(self.submit("quiz re-send", action, form,
                                     delay=self.rng.uniform(0, 0.3)))
        results = [r for r in await asyncio.gather(*sends) if r is not None]
        if results and not self.over():
            await self.call("result", "GET", results[0], 200)

    async def submit(self, kind: str, action: str, form: dict, delay: float = 0) -> str | None:
        """Send the quiz; the result's address if the attempt was acknowledged."""
        await asyncio.sleep(delay)
        answer = await self.call(kind, "POST", action, 303, data=form, write=True,
                                 key=form["attempt_id"])
        location = answer.headers["location"] if answer is not None else ""
        if not location.endswith(f"/attempts/{form['attempt_id']}"):
            return None
        self.journal.acked.setdefault(self.username, set()).add(form["attempt_id"])
        return location

    def answers(self, page: str) -> dict:
        """The quiz form filled in at random: one option per single-choice question, one or
        more per multiple-choice question."""
        options: dict[str, tuple[str, list[str]]] = {}
        for kind, name, value in OPTION.findall(page):
            options.setdefault(html.unescape(name), (kind, []))[1].append(html.unescape(value))
        form: dict = {"csrf_token": CSRF.search(page)[1], "attempt_id": ATTEMPT.search(page)[1]}
        for name, (kind, values) in options.items():
            count = 1 if kind == "radio" else self.rng.randint(1, len(values))
            form[name] = self.rng.sample(values, count)
        return form


async def drive(usernames: list[str], seeded: Seeded, settings: Settings, journal: Journal,
                seed: int = 7) -> None:
    """Run one phone per username, started evenly over the ramp, until all have stopped."""
    rng = random.Random(seed)
    phones = [Phone(name, seeded, settings, journal, random.Random(rng.random()))
              for name in usernames]
    step = settings.ramp / max(1, len(phones))
    await asyncio.gather(*(phone.run(i * step) for i, phone in enumerate(phones)))
