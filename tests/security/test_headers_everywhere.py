"""Security headers on every response: every route of the role matrix's table (as a visitor
allowed to use it), the error pages, the cookies, and what production adds.

The cache rule (housingschool/caching.py): pages and downloads are `private` (or `no-store`),
so no shared cache keeps what one person saw; only the same-for-everyone files (static files,
course pictures, the service worker) may be kept by any cache, and those never set a cookie.
"""

import re

import pytest

from housingschool import create_app
from housingschool.extensions import db
from tests.security.matrix_table import CASES
from tests.security.matrix_world import P1, PIN, build_world, sign_in
from tests.security.test_role_matrix import is_success, send

SHARED_FILES = {"static", "learning.media", "offline.service_worker"}
STRICT_REFERRERS = {"no-referrer", "same-origin", "strict-origin",
                    "strict-origin-when-cross-origin"}
FORM_ERROR = "Something went wrong with the form"


def assert_security_headers(response, where: str, secure: bool = False) -> None:
    """The headers every response carries, whatever it is (`secure`: in production)."""
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, f"{where}: no Content-Security-Policy"
    assert "frame-ancestors 'none'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in STRICT_REFERRERS, where
    assert headers.get("Permissions-Policy"), f"{where}: no Permissions-Policy"
    for cookie in headers.getlist("Set-Cookie"):
        assert_cookie_is_safe(cookie, where, secure)


def assert_cookie_is_safe(cookie: str, where: str, secure: bool = False) -> None:
    """Scripts cannot read it, other sites' forms do not send it (and, in production, it
    travels over HTTPS only)."""
    flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
    assert "httponly" in flags, f"{where}: {cookie.split('=')[0]} cookie without HttpOnly"
    assert "samesite=lax" in flags, f"{where}: {cookie.split('=')[0]} cookie without SameSite"
    assert ("secure" in flags) == secure, f"{where}: {cookie.split('=')[0]} cookie Secure flag"


def assert_not_shared(response, endpoint: str, where: str) -> None:
    """Pages and downloads are for one person; only shared files may be cached by anyone."""
    cache = response.headers.get("Cache-Control", "")
    if endpoint in SHARED_FILES:
        assert "Set-Cookie" not in response.headers, f"{where}: a shared file sets a cookie"
    else:
        assert re.search(r"\b(private|no-store)\b", cache), f"{where}: Cache-Control {cache!r}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_response_carries_the_security_headers(app, client, case):
    """Every route, as the visitor who may use it (a POST: with its token)."""
    world = build_world(app)
    viewer = case.owner()
    sign_in(client, world, viewer)
    response = send(client, case, world)
    where = f"{case.id} as {viewer}"
    assert is_success(response), f"{where}: {response.status_code}"
    assert_security_headers(response, where)
    assert_not_shared(response, case.endpoint, where)


def error_responses(client, world):
    """One response of each error page a visitor can meet, by its status."""
    yield 404, client.get("/no-such-page")
    yield 405, client.get("/logout")
    yield 400, client.post("/text-size", data={"large_text": "on"})
    yield 413, client.post("/login", data={"username": "x" * 600_000, "secret": "y"})
    token = client.token("/login")
    for _try in range(20):
        response = client.post("/login", data={"csrf_token": token, "username": "t1-tove",
                                                "secret": "wrong-password"})
        if response.status_code == 429:
            break
    yield 429, response
    sign_in(client, world, P1)
    yield 403, client.get("/teach/")


def test_error_pages_carry_the_security_headers_and_are_not_shared(app, client):
    world = build_world(app)
    seen = []
    for status, response in error_responses(client, world):
        assert response.status_code == status
        assert_security_headers(response, f"the {status} page")
        assert_not_shared(response, "error", f"the {status} page")
        seen.append(status)
    assert seen == [404, 405, 400, 413, 429, 403]


def test_signing_in_sets_a_session_cookie_scripts_and_other_sites_cannot_use(app, client):
    build_world(app)
    response = client.login("p1-amina", PIN)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("session=") for cookie in cookies)
    for cookie in cookies:
        assert_cookie_is_safe(cookie, "signing in")


def test_check_in_device_cookie_is_http_only_and_same_site(app, client):
    world = build_world(app)
    sign_in(client, world, P1)
    response = client.post_form("/checkin", {"code": "5731"})
    device = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("device=")]
    assert device, "checking in remembers the phone"
    assert_cookie_is_safe(device[0], "checking in")


@pytest.fixture
def production(database_url, monkeypatch):
    """The production settings, on the test database."""
    monkeypatch.setenv("SECRET_KEY", "k" * 32 + "-a-long-random-production-secret")
    site = create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    yield site
    with site.app_context():
        db.engine.dispose()


def test_production_cookies_are_secure_and_https_is_required(app, ctx, production):
    build_world(app)
    browser = production.test_client()
    https = {"base_url": "https://localhost"}
    page = browser.get("/login", **https)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    response = browser.post("/login", data={"csrf_token": token.group(1), "username": "t1-tove",
                                            "secret": "long-enough-1"},
                            headers={"Referer": "https://localhost/login"}, **https)
    assert response.status_code == 302, "signing in over HTTPS works"
    for where, answer in [("the sign-in page", page), ("signing in", response),
                          ("a page", browser.get("/teach/", **https)),
                          ("a missing page", browser.get("/nothing-here", **https))]:
        assert answer.status_code in (200, 302, 404)
        assert_security_headers(answer, where, secure=True)
        max_age = re.search(r"max-age=(\d+)", answer.headers.get("Strict-Transport-Security", ""))
        assert max_age and int(max_age.group(1)) >= 180 * 24 * 3600, f"{where}: no HSTS"
    assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
