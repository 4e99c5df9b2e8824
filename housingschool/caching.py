"""Fewer bytes for phones on prepaid data.

- Responses are compressed (brotli, else gzip) when the browser accepts it (Flask-Compress).
- `url_for('static', ...)` adds `?v=<content hash>`; a file asked for with its current hash is
  kept by the phone for a year, so a repeat visit fetches no CSS, JS or icons. Course pictures
  (/course-media) get the same when their address carries `?v=` (see `file_version`).
- Pages (HTML and JSON) get a weak ETag and `Cache-Control: private, no-cache`: the phone asks
  again, and gets an empty 304 when the page has not changed. Shared caches never keep a page.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
PAGE = "private, no-cache"
PAGE_TYPES = {"text/html", "application/json", "application/manifest+json"}
MAX_READ = 1024 * 1024

FILE_ENDPOINTS = ("static", "learning.media")

compress = Compress()


class FileFriendlySessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, except that a file never says it varies by cookie.

    Flask adds `Vary: Cookie` whenever anything looked at the session (Flask-Login does on
    every response). On a stylesheet that makes the phone ask for it again each time the
    session cookie changes (sign-in, language, a message shown), though it is the same file.
    """

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if request.endpoint in FILE_ENDPOINTS and "Vary" in response.headers:
            vary = ", ".join(name for name in response.vary if name.lower() != "cookie")
            response.headers["Vary"] = vary
            if not vary:
                del response.headers["Vary"]


def init_app(app: Flask) -> None:
    """Compression first, so it runs last: the ETag is computed on the uncompressed page."""
    compress.init_app(app)
    app.session_interface = FileFriendlySessions()
    app.url_defaults(add_static_version)
    app.after_request(cache_headers)


def file_version(path: Path) -> str | None:
    """A short hash of the file's content (None if there is no such file). Computed once per
    file and change: a cheap stat() tells whether the file changed since."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _content_hash(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _inside(folder: Path, name: str) -> Path | None:
    """The file `name` in `folder`, never outside it; None if there is none, or if no file
    could have that name (a NUL, or longer than the system allows: addresses are anyone's)."""
    try:
        folder = folder.resolve()
        path = (folder / name).resolve()
        return path if folder in path.parents and path.is_file() else None
    except (OSError, ValueError):
        return None


def add_static_version(endpoint: str, values: dict) -> None:
    """`url_for('static', filename=...)` gets `v=<content hash>`: a new file, a new address."""
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    path = _inside(Path(current_app.static_folder), values["filename"])
    version = file_version(path) if path else None
    if version:
        values["v"] = version


def cache_headers(response):
    """Long-lived cache for fingerprinted files; ETag and revalidation for pages."""
    _read_small_text_file(response)
    path = _file_asked_for()
    if path is not None:
        _brotli_at_best(response, path)
        _cache_file(response, path)
    elif response.mimetype in PAGE_TYPES:
        _cache_page(response)
    return response


def _read_small_text_file(response) -> None:
    """A file to be compressed (CSS, JS, SVG) is read into memory first. Compressing it as a
    stream would leave the file open until garbage collection; these files are small."""
    if (response.direct_passthrough and response.status_code == 200
            and response.mimetype in current_app.config.get("COMPRESS_MIMETYPES", ())
            and (response.content_length or 0) <= MAX_READ):
        response.direct_passthrough = False
        response.make_sequence()  # the file is closed when the response is


def _file_asked_for() -> Path | None:
    """The file a static or course picture address names, if there is one."""
    args = request.view_args or {}
    if request.endpoint == "static":
        return _inside(Path(current_app.static_folder), args.get("filename", ""))
    if request.endpoint == "learning.media":
        folder = current_app.config["COURSES_DIR"] / args.get("module_slug", "") / "img"
        return _inside(folder, args.get("filename", ""))
    return None


def _brotli_at_best(response, path: Path) -> None:
    """CSS, JS and SVG files are compressed once with brotli's slowest, smallest setting
    (10 % smaller than the quick one used for pages) and kept compressed in memory."""
    if (response.status_code != 200 or response.is_streamed or "Content-Encoding" in
            response.headers or not request.accept_encodings.quality("br")):
        return  # not read into memory (see above), or the browser cannot read brotli
    stat = path.stat()
    response.set_data(_brotli_file(path, stat.st_mtime_ns, stat.st_size))
    response.headers["Content-Encoding"] = "br"
    response.headers.pop("Accept-Ranges", None)  # ranges of the file, not of this body
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:br", weak=weak)
        response.make_conditional(request)


@lru_cache(maxsize=256)
def _brotli_file(path: Path, _mtime_ns: int, _size: int) -> bytes:
    return brotli.compress(path.read_bytes(), quality=11)


def _cache_file(response, path: Path) -> None:
    """A file asked for with its current hash (?v=) is kept for a year. An old or missing
    hash keeps the usual headers (static files: revalidate; course pictures: a week)."""
    if response.status_code in (200, 304) and request.args.get("v") == file_version(path):
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers.pop("Expires", None)


def _cache_page(response) -> None:
    """Pages: private and revalidated; a weak ETag (and 304) when the page is the same.
    A page that says how it is to be cached (no-store, say) is left as it is."""
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PAGE
    if (request.method not in ("GET", "HEAD") or response.status_code != 200
            or response.is_streamed or response.cache_control.no_store
            or session.modified or "Set-Cookie" in response.headers):
        return  # a page that changed the session says so with its cookie: never a 304 then
    response.set_etag(page_etag(response.get_data()), weak=True)
    response.make_conditional(request)


def page_etag(body: bytes) -> str:
    """A hash of the page. The CSRF token in its forms is signed afresh on every request;
    it is left out and the session's raw token put in instead, so a phone's copy of the
    page (whose token stays valid, as tokens here do not expire) still matches."""
    digest = hashlib.sha256()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed = g.get(field)
    if signed and current_app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        body = body.replace(signed.encode(), b"")
        digest.update(session.get(field, "").encode())
    digest.update(body)
    return digest.hexdigest()[:32]
