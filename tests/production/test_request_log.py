"""Production request logs: one JSON line per request, with nothing personal or secret in it."""

import io
import json
import logging

import pytest

from housingschool import create_app
from housingschool.extensions import db
from housingschool.requestlog import JsonLines, logger

SECRETS = ("SECRETCODE123", "amina", "Amina", "482915", "x@example.org")


@pytest.fixture
def logged_app(database_url):
    """The site with request logging on, plus a route that fails, as a bug would."""
    site = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, REQUEST_LOG=True,
                      PROPAGATE_EXCEPTIONS=False)  # as in production: a 500 page

    @site.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    yield site
    with site.app_context():
        db.engine.dispose()


@pytest.fixture
def lines():
    """The JSON lines the request logger writes during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_one_line_per_request_without_personal_data(app, logged_app, factory, client_for,
                                                     lines):
    group = factory.group()
    factory.user("amina", group=group)
    browser = client_for(logged_app)
    browser.login("amina", "482915")
    browser.get("/verify/SECRETCODE123?email=x@example.org")
    browser.get("/progress", headers={"X-Request-ID": "nginx-req-0001"})

    written = lines()
    assert [line["route"] for line in written] == ["/login", "/login", "/verify/<code>",
                                                   "/progress"]
    signed_in, verify, progress = written[1], written[2], written[3]
    assert signed_in["method"] == "POST" and signed_in["status"] == 302
    assert verify["status"] == 404 and verify["role"] == "participant"
    assert progress["request_id"] == "nginx-req-0001"
    assert all(line["event"] == "request" and line["ms"] >= 0 for line in written)
    raw = json.dumps(written)
    for secret in SECRETS:
        assert secret not in raw, f"{secret!r} must not be logged"
    assert "csrf" not in raw.lower() and "session" not in raw.lower()


def test_request_id_is_sent_back_and_odd_ids_are_replaced(logged_app, lines):
    http = logged_app.test_client()
    kept = http.get("/healthz", headers={"X-Request-ID": "abc-123-def-456"})
    replaced = http.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert kept.headers["X-Request-ID"] == "abc-123-def-456"
    assert "<" not in replaced.headers["X-Request-ID"]
    assert [line["request_id"] for line in lines()] == ["abc-123-def-456",
                                                        replaced.headers["X-Request-ID"]]


def test_a_crash_is_one_error_line_and_a_kind_page(logged_app, lines):
    response = logged_app.test_client().get("/boom", headers={"Accept-Language": "en"})

    assert response.status_code == 500
    assert "It is not your fault" in response.get_data(as_text=True)
    error, request = lines()
    assert error["event"] == "error" and error["error"] == "RuntimeError"
    assert "a bug" in error["traceback"]
    assert error["request_id"] == request["request_id"] == response.headers["X-Request-ID"]
    assert request["status"] == 500


def test_nothing_is_logged_when_the_log_is_off(app, lines):
    app.test_client().get("/healthz")
    assert lines() == []
