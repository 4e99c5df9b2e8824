"""Browser tests: the real site in headless Chromium (the system package), at a phone viewport.

Playwright drives Debian's /usr/bin/chromium; it never downloads a browser of its own. Without
Chromium the tests are skipped on a laptop, but fail in CI (CI=true).
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": in CI a missing browser is a failure", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--disable-quic", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free local port from a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Phone:
    """A page on a phone-sized screen that saves a numbered screenshot of each step."""

    def __init__(self, page, folder: Path, base_url: str, javascript: bool):
        self.page, self.folder, self.base_url, self.step = page, folder, base_url, 0
        self.javascript = javascript
        folder.mkdir(parents=True, exist_ok=True)

    def goto(self, path: str):
        self.page.goto(self.base_url + path)

    def snap(self, name: str) -> None:
        """Screenshot this step; check it fits the phone, is easy to tap and passes axe-core."""
        self.step += 1
        self.page.screenshot(path=self.folder / f"{self.step:02d}-{name}.png", full_page=True)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name}: page is {width}px wide, wider than the phone"
        small = self.page.evaluate("""() => [...document.querySelectorAll(
            '.button, .nav-link, .tile, .option, .lesson-link, .input, .brand, summary')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44 || r.width < 44)
            .map(([t, r]) => `${t} (${Math.round(r.width)}x${Math.round(r.height)})`)""")
        assert not small, f"{name}: tap targets under 44px: {small}"
        result = self.accessibility_check()
        assert result.violations_count == 0, f"{name}: {result.generate_report()}"

    def accessibility_check(self):
        """axe-core on this page. axe is JavaScript: with JavaScript off, it checks the same
        URL in a second page that shares this one's cookies (the HTML is server-rendered)."""
        if self.javascript:
            return Axe().run(self.page)
        browser = self.page.context.browser
        context = browser.new_context(**PHONE, storage_state=self.page.context.storage_state())
        try:
            page = context.new_page()
            page.goto(self.page.url)
            return Axe().run(page)
        finally:
            context.close()


@pytest.fixture
def phone(browser, live_server, request):
    """Opens phones; each saves its screenshots in its own folder under the test's name."""
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)

    def open_phone(javascript: bool = True, locale: str = "en-US", name: str = "") -> Phone:
        context = browser.new_context(**PHONE, java_script_enabled=javascript, locale=locale)
        context.set_default_timeout(15_000)
        request.addfinalizer(context.close)
        return Phone(context.new_page(), folder / name, live_server, javascript)

    return open_phone
