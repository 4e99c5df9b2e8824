"""gunicorn settings for production (`make serve-prod`, docs/DEPLOY.md).

Every value can be changed from the environment without editing this file:
  BIND=127.0.0.1:8000  WEB_CONCURRENCY=4  GUNICORN_TIMEOUT=30
"""

import os

from housingschool.extensions import db

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: each request is short (no long polling; the live class polls a small JSON).
# On a 2-core server 4 workers keep both cores busy while one waits for the database.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart a worker now and then, so a slow leak can never take the server down.
max_requests = 2000
max_requests_jitter = 200
# Load the app (and the course catalogue) once in the master: workers start in milliseconds
# and a worker that dies is replaced at once.
preload_app = True
# gunicorn 27 otherwise puts a control socket in ~/.gunicorn/ that a second gunicorn on the
# same machine (tests, benchmarks) takes over.
control_socket_disable = True
# The app writes one JSON line per request (housingschool/requestlog.py); gunicorn's own
# access log would repeat it with the full address, which can carry codes and ids.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# nginx on the same host talks to us; only it may set X-Forwarded-* (see PROXY_COUNT).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """A worker must not share the master's database connections (there should be none, but a
    pool copied across fork() corrupts both ends silently)."""
    app = server.app.callable
    if app is not None:
        with app.app_context():
            db.engine.dispose(close=False)
