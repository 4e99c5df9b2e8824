"""How many bytes a phone downloads for the participant's pages, first visit and repeat visit.

    .venv/bin/python bench/page_weight.py                   # serves the demo site itself
    .venv/bin/python bench/page_weight.py --languages nb ar
    .venv/bin/python bench/page_weight.py --url http://127.0.0.1:5000   # a running site with
                                                            # the demo data (`make run`)

Headless Chromium (the system package) at 360×740 signs in as the demo participant and loads
home, a module, a lesson and a quiz result (of a quiz it submits) in every language: each page
first with an empty cache, then once more (the repeat visit). The bytes come from Chromium's
network events (CDP): `Network.loadingFinished` gives what went over the wire (headers and the
compressed body), `Network.dataReceived` the body after decompression. Service workers are
blocked, so the figures are the HTTP cache's alone. Prints figures, asserts nothing.
"""

import argparse
import re
import secrets
import sys
import tempfile
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import Config  # noqa: E402
from housingschool.content.loader import load_catalogue  # noqa: E402
from housingschool.i18n import LANGUAGES  # noqa: E402

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js", "Font": "fonts",
         "Image": "images"}
BUDGET_KINDS = ("html", "css", "js", "fonts")  # what the 30 KB budget counts
COLUMNS = (*BUDGET_KINDS, "images", "other")
PARTICIPANT = ("amina", "482915")  # the demo participant (housingschool/demo.py)


@dataclass
class Weight:
    """What one page load cost: per kind of resource (html, css, js, fonts, images, other)."""

    requests: int = 0  # every request the page made, from the cache or not
    network: int = 0  # requests that went to the server (a 304 counts)
    transferred: dict = field(default_factory=lambda: defaultdict(int))  # headers + body
    body: dict = field(default_factory=lambda: defaultdict(int))  # compressed body
    decoded: dict = field(default_factory=lambda: defaultdict(int))  # uncompressed body
    statuses: dict = field(default_factory=dict)  # url -> HTTP status, or "cache"
    kinds: dict = field(default_factory=dict)  # url -> html, css, js, fonts, images, other

    @property
    def page_status(self):
        """The page's own status: 200, or 304 when the phone's copy was still right."""
        return next(iter(self.statuses.values()), None)

    @property
    def total(self) -> int:
        return sum(self.transferred.values())

    @property
    def budget(self) -> int:
        """Bytes over the wire for HTML, CSS, JS and fonts: what the budget counts."""
        return sum(self.transferred[kind] for kind in BUDGET_KINDS)


class Recorder:
    """Listens to Chromium's network events for one page."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests: dict[str, dict] = {}
        self.raw_status: dict[str, int] = {}  # what the server said: 304 where Chromium
        for event in ("requestWillBeSent", "requestServedFromCache", "responseReceived",
                      "responseReceivedExtraInfo", "dataReceived", "loadingFinished"):
            self.cdp.on(f"Network.{event}", getattr(self, f"_{event}"))

    def _requestWillBeSent(self, event):  # noqa: N802 - CDP's event names
        if not event["request"]["url"].startswith("data:"):
            self.requests.setdefault(event["requestId"], {"cached": False, "decoded": 0})

    def _requestServedFromCache(self, event):  # noqa: N802
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["cached"] = True

    def _responseReceived(self, event):  # noqa: N802
        request = self.requests.get(event["requestId"])
        if request is not None:
            response = event["response"]
            request.update(kind=KINDS.get(event["type"], "other"), url=response["url"],
                           status=response["status"], headers=response["encodedDataLength"],
                           cached=request["cached"] or response.get("fromDiskCache", False))

    def _responseReceivedExtraInfo(self, event):  # noqa: N802 - reports the cached 200
        self.raw_status[event["requestId"]] = event["statusCode"]

    def _dataReceived(self, event):  # noqa: N802
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["decoded"] += event["dataLength"]

    def _loadingFinished(self, event):  # noqa: N802
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["wire"] = event["encodedDataLength"]

    def load(self, page, url: str) -> Weight:
        """Go to `url`, wait until the network is quiet, and add up what it cost."""
        self.requests.clear()
        self.raw_status.clear()
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(200)  # the last CDP events arrive just after
        return self.weight()

    def weight(self) -> Weight:
        weight = Weight()
        for request_id, request in self.requests.items():
            if "kind" not in request:
                continue  # a redirect's first leg is reported with its target
            kind = request["kind"]
            weight.requests += 1
            wire = 0 if request["cached"] else request.get("wire", 0)
            weight.kinds[request["url"]] = kind
            weight.statuses[request["url"]] = (
                self.raw_status.get(request_id, request["status"]) if wire else "cache")
            if wire:
                weight.network += 1
            weight.transferred[kind] += wire
            weight.body[kind] += max(0, wire - request["headers"])
            weight.decoded[kind] += request["decoded"]
        return weight


def first_and_repeat(browser, storage_state, url: str) -> tuple[Weight, Weight]:
    """The page with an empty cache, then again with what that visit cached."""
    context = browser.new_context(**PHONE, storage_state=storage_state, service_workers="block")
    try:
        page = context.new_page()
        recorder = Recorder(page)
        return recorder.load(page, url), recorder.load(page, url)
    finally:
        context.close()


def sign_in(browser, base_url: str, language: str, username: str, secret: str) -> dict:
    """A signed-in session in `language`, and the result of one submitted quiz."""
    context = browser.new_context(**PHONE, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{base_url}/login?lang={language}")
        page.fill("input[name=username]", username)
        page.fill("input[name=secret]", secret)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"^(?!.*/login)"))
        return context.storage_state()
    finally:
        context.close()


def submit_quiz(browser, storage_state, lesson_url: str) -> str:
    """Answer every question of the lesson's quiz (the first option) and return the result's
    address. The form is posted as the page would post it, with its CSRF token and attempt id."""
    context = browser.new_context(**PHONE, storage_state=storage_state, service_workers="block")
    try:
        page = context.new_page()
        page.goto(lesson_url)
        form = page.locator("#quiz form")
        data = dict(form.evaluate("f => [...new FormData(f)]"))
        for name in form.evaluate(
                "f => [...new Set([...f.querySelectorAll('input[name^=q-]')].map(i => i.name))]"):
            data[name] = form.locator(f'input[name="{name}"]').first.get_attribute("value")
        response = page.request.post(page.url.split("#")[0] + "/quiz", form=data)
        assert response.ok, f"the quiz was not accepted ({response.status})"
        return response.url
    finally:
        context.close()


@contextmanager
def demo_site():
    """The site with the demo data on a throwaway SQLite database, on a free local port."""
    import logging

    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from housingschool import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db",
                         SECRET_KEY=secrets.token_hex(32))
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()


def kb(count: int) -> str:
    return f"{count / 1000:.1f}"


def row(language: str, name: str, first: Weight, repeat: Weight) -> str:
    html_status = repeat.page_status
    cells = [language, name, first.requests, kb(first.total),
             *(kb(first.transferred[kind]) for kind in COLUMNS),
             kb(sum(first.decoded.values())), kb(first.budget),
             repeat.network, kb(repeat.total), html_status]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


HEADER = ("| lang | page | requests | transferred | HTML | CSS | JS | fonts | images | other | "
          "uncompressed | budget (HTML+CSS+JS+fonts) | repeat: requests to server | "
          "repeat: transferred | repeat: HTML status |\n|" + "---|" * 2 + "---:|" * 13)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running site with the demo data (default: serve one)")
    parser.add_argument("--languages", nargs="+", default=[lang.code for lang in LANGUAGES])
    parser.add_argument("--user", default=PARTICIPANT[0])
    parser.add_argument("--secret", default=PARTICIPANT[1])
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    module = load_catalogue(Config.COURSES_DIR).modules[0]
    pages = {"home": "/", "module": f"/modules/{module.slug}",
             "lesson": f"/modules/{module.slug}/{module.lessons[0].slug}"}
    with (sync_playwright() as playwright,
          (demo_site() if args.url is None else _given(args.url)) as base_url):
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--disable-quic", "--disable-gpu"])
        print("Kilobytes (1,000 bytes) over the wire, headers included; first visit with an "
              "empty cache.\n")
        print(HEADER)
        worst: dict[str, Weight] = {}
        for language in args.languages:
            state = sign_in(browser, base_url, language, args.user, args.secret)
            urls = {name: base_url + path for name, path in pages.items()}
            urls["quiz result"] = submit_quiz(browser, state, urls["lesson"])
            for name, url in urls.items():
                first, repeat = first_and_repeat(browser, state, url)
                print(row(language, name, first, repeat), flush=True)
                if name not in worst or first.budget > worst[name].budget:
                    worst[name] = first
        browser.close()
    print("\nLargest first visit per page over the languages (budget 30 KB, aim 14 KB):")
    for name, weight in worst.items():
        print(f"  {name:<12} {kb(weight.budget):>6} KB  ({weight.requests} requests)")


@contextmanager
def _given(url: str):
    yield url.rstrip("/")


if __name__ == "__main__":
    main()
