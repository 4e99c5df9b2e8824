"""Lighthouse on the demo site, as a phone sees it: `make lighthouse`.

Serves the site with the demo data on a throwaway database and a free local port (as
bench/page_weight.py does), runs Lighthouse (mobile: 360×740, simulated slow 4G and a slow
CPU, its defaults) on the home page and a lesson signed in as the demo participant and on the
sign-in page, in bokmål and Arabic (left-to-right and right-to-left), and prints the scores.
The full reports go to test-artifacts/lighthouse/. Targets: performance ≥ 95, accessibility 100.

    .venv/bin/python tools/lighthouse/run.py [--languages nb ar uk]
"""

import argparse
import json
import os
import re
import subprocess
import sys
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPErrorProcessor, build_opener

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.page_weight import PARTICIPANT, demo_site  # noqa: E402
from config import Config  # noqa: E402
from housingschool.content.loader import load_catalogue  # noqa: E402

LIGHTHOUSE = Path(__file__).parent / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
TARGETS = {"performance": 95, "accessibility": 100}


class NoRedirects(HTTPErrorProcessor):
    def http_response(self, request, response):
        return response


def session_cookie(base_url: str, language: str) -> str:
    """Sign the demo participant in; the session cookie Lighthouse sends with its requests."""
    jar = CookieJar()
    http = build_opener(HTTPCookieProcessor(jar), NoRedirects)
    with http.open(f"{base_url}/login?lang={language}", timeout=10) as response:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode())[1]
    form = urlencode({"csrf_token": token, "username": PARTICIPANT[0],
                      "secret": PARTICIPANT[1]}).encode()
    with http.open(f"{base_url}/login", data=form, timeout=10) as response:
        assert response.status == 302, f"the demo participant could not sign in ({response.status})"
    with http.open(f"{base_url}/", timeout=10) as response:
        assert 'action="/logout"' in response.read().decode(), "not signed in"
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lighthouse(url: str, report: Path, cookie: str | None) -> dict:
    """One Lighthouse run; its JSON report."""
    command = [str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}", "--form-factor=mobile",
               "--screenEmulation.mobile", "--screenEmulation.width=360",
               "--screenEmulation.height=740", "--screenEmulation.deviceScaleFactor=2",
               "--only-categories=performance,accessibility", "--output=json",
               f"--output-path={report}", "--quiet"]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env)  # noqa: S603 - our own arguments
    return json.loads(report.read_text())


def summary(result: dict) -> dict:
    audits = result["audits"]
    failed = [audit_id for audit_id, audit in audits.items()
              if audit.get("score") is not None and audit["score"] < 1
              and audit.get("scoreDisplayMode") == "binary"
              and audit_id in {ref["id"] for ref in
                               result["categories"]["accessibility"]["auditRefs"]}]
    return {
        "performance": round(result["categories"]["performance"]["score"] * 100),
        "accessibility": round(result["categories"]["accessibility"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["displayValue"],
        "lcp": audits["largest-contentful-paint"]["displayValue"],
        "tbt": audits["total-blocking-time"]["displayValue"],
        "cls": audits["cumulative-layout-shift"]["displayValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "failed": failed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", nargs="+", default=["nb", "ar"])
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make lighthouse` (it runs npm ci first)")
    REPORTS.mkdir(parents=True, exist_ok=True)
    module = load_catalogue(Config.COURSES_DIR).modules[0]
    pages = [("home", "/", True),
             ("lesson", f"/modules/{module.slug}/{module.lessons[0].slug}", True),
             ("sign-in", "/login", False)]
    rows, missed = [], False
    with demo_site() as base_url:
        for language in args.languages:
            cookie = session_cookie(base_url, language)
            for name, path, signed_in in pages:
                url = f"{base_url}{path}" + ("" if signed_in else f"?lang={language}")
                print(f"Lighthouse: {name} ({language}) …", file=sys.stderr, flush=True)
                result = summary(lighthouse(url, REPORTS / f"{name}-{language}.json",
                                            cookie if signed_in else None))
                rows.append((name, language, result))
                missed |= any(result[key] < target for key, target in TARGETS.items())

    print("\n| page | lang | performance | accessibility | FCP | LCP | TBT | CLS | bytes |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, language, r in rows:
        print(f"| {name} | {language} | {r['performance']} | {r['accessibility']} | {r['fcp']} "
              f"| {r['lcp']} | {r['tbt']} | {r['cls']} | {r['bytes'] / 1000:.1f} kB |")
    for name, language, r in rows:
        if r["failed"]:
            print(f"{name} ({language}): accessibility audits not passed: {', '.join(r['failed'])}")
    print(f"\nTargets: performance ≥ {TARGETS['performance']}, accessibility "
          f"{TARGETS['accessibility']}. Reports: {REPORTS.relative_to(ROOT)}/")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
