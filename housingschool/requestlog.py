"""One JSON line per request, for the server's log collector: no personal data, no secrets.

What a line holds, and why only that:
- `route` is the URL *pattern* (`/verify/<code>`), never the address itself: addresses carry
  certificate codes, join codes and people's ids, and query strings can carry anything.
- `role` says what kind of account asked (or `anonymous`), never which one.
- No IP address and no user agent: nginx's own log has them for abuse cases, under its rules.
- `request_id` is the proxy's `X-Request-ID` when it sends a sane one (so a line here can be
  matched with nginx's), else a fresh one; it is sent back in the response header.

Unhandled errors are logged as `{"event": "error", ...}` with the traceback and request id, and
the visitor gets the kind 500 page.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, got_request_exception, request
from flask_login import current_user

logger = logging.getLogger("housingschool.requests")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonLines(logging.Formatter):
    """The record's dict (message) as one JSON line, with time and level."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC)
        line = {"time": when.isoformat(timespec="milliseconds"), "level": record.levelname.lower()}
        fields = record.msg if isinstance(record.msg, dict) else {"message": record.getMessage()}
        line.update(fields)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def init_app(app: Flask) -> None:
    """Log every request when REQUEST_LOG is on; always give each request an id.

    Registered before every other extension, so its timer starts first and its log line is
    written last, after compression (`bytes` is what was sent).
    """
    app.before_request(_start)
    app.after_request(_finish)
    if not app.config.get("REQUEST_LOG"):
        return
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    # Flask's own "Exception on /participants/42 [GET]" line would put the address (and the
    # traceback again, unstructured) in the log; our error line replaces it.
    app.logger.addFilter(lambda record: not str(record.msg).startswith("Exception on "))
    got_request_exception.connect(_log_exception, app, weak=False)


def _start() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if SANE_ID.match(given) else uuid.uuid4().hex


def _role() -> str:
    try:
        return current_user.role if current_user.is_authenticated else "anonymous"
    except Exception:  # noqa: BLE001 - the database may be what failed; the line must still go out
        return "unknown"


def _finish(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers.setdefault("X-Request-ID", request_id)
    if not current_app.config.get("REQUEST_LOG"):
        return response
    started = g.get("request_started", time.perf_counter())
    logger.info({
        "event": "request",
        "request_id": request_id,
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "bytes": response.content_length,
        "role": _role(),
    })
    return response


def _log_exception(sender, exception, **_extra) -> None:
    logger.error({"event": "error", "request_id": g.get("request_id"),
                  "route": request.url_rule.rule if request.url_rule else None,
                  "error": type(exception).__name__},
                 exc_info=(type(exception), exception, exception.__traceback__))
