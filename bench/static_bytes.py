"""The yardstick for the lesson page's throughput: the same bytes as a static file.

`app` is a WSGI app that answers every request with one saved response (body, Content-Type,
Content-Encoding), read once at start-up from the file STATIC_BYTES_FILE names. bench/load.py
serves it with gunicorn on the same settings as the site (4 sync workers, preloaded) and
measures both with `hammer`: a bare-bones HTTP/1.1 client on asyncio streams, light enough
that the client is not what is measured (httpx would spend more time than the static server).
"""

import asyncio
import json
import os
import time
from pathlib import Path


def _load() -> tuple[bytes, list[tuple[str, str]]]:
    path = os.environ.get("STATIC_BYTES_FILE")
    if not path:
        return b"", []
    body = Path(path).read_bytes()
    headers = json.loads(Path(path + ".headers").read_text())
    return body, [(name, value) for name, value in headers.items()]


BODY, HEADERS = _load()


def app(_environ, start_response):
    """Every request gets the saved page."""
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(BODY)))])
    return [BODY]


def save(path: Path, body: bytes, headers: dict[str, str]) -> None:
    """Keep a response for `app` (only the headers that describe the body)."""
    path.write_bytes(body)
    kept = {k: v for k, v in headers.items() if k.lower() in ("content-type", "content-encoding")}
    Path(str(path) + ".headers").write_text(json.dumps(kept))


async def fetch(reader, writer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request on an open connection: status, headers (lower-case names), body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", 0)))
    return int(lines[0].split()[1]), headers, body


def request_bytes(host: str, port: int, path: str, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept-Encoding: br, gzip",
             "Accept-Language: nb", "Connection: keep-alive"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _worker(host: str, port: int, request: bytes, deadline: float, tally: dict) -> None:
    """Request again and again until the deadline; reconnect when the server closes."""
    reader = writer = None
    while time.monotonic() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
            tally["connections"] += 1
        try:
            status, headers, _body = await fetch(reader, writer, request)
        except (OSError, asyncio.IncompleteReadError):
            tally["errors"] += 1
            writer.close()
            writer = None
            continue
        tally["ok" if status == 200 else "errors"] += 1
        if headers.get("connection", "").lower() == "close":
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def hammer(host: str, port: int, path: str, connections: int, seconds: float,
                 cookie: str = "") -> dict:
    """`connections` clients requesting `path` back to back for `seconds`: requests/s."""
    tally = {"ok": 0, "errors": 0, "connections": 0}
    request = request_bytes(host, port, path, cookie)
    started = time.monotonic()
    await asyncio.gather(*(_worker(host, port, request, started + seconds, tally)
                           for _ in range(connections)))
    elapsed = time.monotonic() - started
    return {**tally, "seconds": elapsed, "per_second": tally["ok"] / elapsed}
