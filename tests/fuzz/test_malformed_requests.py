"""Malformed and oversized requests get a kind answer, never a server error or a file's contents.

Too big, too many parts, broken UTF-8, the wrong body type, huge headers and URLs, NUL in the
address, path traversal, unusual methods on every route, garbage for the live class's JSON,
and ids bigger than the database can hold.
"""

import json
from pathlib import Path

import pytest
from flask_babel import force_locale
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule

from housingschool.inputs import MAX_ID, DatabaseIdConverter
from housingschool.web import ERROR_TEXTS
from tests.fuzz.fuzz_targets import TARGETS, fill
from tests.fuzz.world import build_world, open_as, route_address, sign_in

ALLOWED = {200, 204, 302, 303, 400, 401, 403, 404, 405, 409, 410, 413, 422, 429}
TOO_MUCH = str(ERROR_TEXTS[413][0])
NOT_FOUND = str(ERROR_TEXTS[404][0])
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(app, factory):
    return build_world(factory, app.extensions["catalogue"])


def rules(app, method: str):
    return sorted((rule for rule in app.url_map.iter_rules() if method in rule.methods),
                  key=lambda rule: rule.rule)


def oversized_login(client, headers=None):
    """A sign-in with a password longer than any request may be (256 KB)."""
    token = client.token("/login")
    body = f"csrf_token={token}&username=amina&secret=" + "x" * (256 * 1024)
    return client.post("/login", data=body, headers=headers,
                       content_type="application/x-www-form-urlencoded")


def test_a_body_over_the_limit_gets_the_kind_413_page(app, client):
    response = oversized_login(client)
    assert response.status_code == 413
    assert TOO_MUCH in response.get_data(as_text=True)


def test_the_413_page_speaks_norwegian_to_a_norwegian_browser(app, client):
    response = oversized_login(client, headers={"Accept-Language": "nb"})
    with app.test_request_context(), force_locale("nb"):
        title = str(ERROR_TEXTS[413][0])
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'lang="nb"' in page and title in page


def test_the_413_title_is_translated_into_norwegian(app):
    with app.test_request_context(), force_locale("nb"):
        assert str(ERROR_TEXTS[413][0]) != TOO_MUCH


def test_more_form_parts_than_allowed_is_refused_kindly(client):
    token = client.token("/login")
    boundary = "fuzz-boundary"
    parts = [("csrf_token", token)] + [(f"f{n}", "x") for n in range(1500)]
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n" for name, value in parts) + f"--{boundary}--\r\n"
    response = client.post("/login", data=body.encode(),
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code in (400, 413)


def test_thousands_of_urlencoded_fields_are_refused_or_ignored(client):
    token = client.token("/login")
    body = f"csrf_token={token}&" + "&".join(f"f{n}=x" for n in range(5000))
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400, 413)


@pytest.mark.parametrize("values", [b"username=%ff%fe&secret=%c3%28",
                                    b"username=\xff\xfe&secret=\xc0"])
def test_invalid_utf8_in_a_form_is_refused_or_a_wrong_sign_in(client, values):
    token = client.token("/login")
    response = client.post("/login", data=b"csrf_token=" + token.encode() + b"&" + values,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 401)


@pytest.mark.parametrize("query", ["start=%ff&end=%c3%28", "start=%c0%80&group=%ff&format=%fe"])
def test_invalid_utf8_in_a_query_string_is_a_wrong_date(client, world, query):
    """Percent-encoded, as it must be: gunicorn refuses raw bytes above 0x7e in a URL."""
    sign_in(client, "coordinator")
    response = client.get("/reports/hours?" + query)
    assert response.status_code == 422


def test_a_json_body_to_a_form_is_refused_as_a_broken_form(client):
    response = client.post("/login", json={"username": "amina", "secret": "482915"})
    assert response.status_code == 400


ODD_JSON = [[1, 2], "text", 5, None, {"username": 5, "secret": None},
            {"username": ["a", "b"], "secret": {"x": 1}, "name": [None], "code": 1e309}]


@pytest.mark.parametrize("key", sorted(key for key in TARGETS if key.startswith("POST")), ids=str)
def test_odd_json_to_every_form_is_refused_kindly(app, client, world, key):
    """Flask-WTF reads JSON bodies as forms: any shape of JSON, with a valid token."""
    target = TARGETS[key]
    token = sign_in(client, target.role)
    for body in ODD_JSON:
        for address in target.urls(world):
            response = client.post(fill(address, "x"), json=body, headers={"X-CSRFToken": token})
            assert response.status_code in ALLOWED, f"{body} to {address}"


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data",
                                          "application/xml", "application/x-www-form-urlencoded"
                                          "; charset=ebcdic", "image/png"])
def test_a_wrong_content_type_is_refused_as_a_broken_form(client, content_type):
    response = client.post("/login", data=b"username=amina&secret=482915",
                           content_type=content_type)
    assert response.status_code == 400


@pytest.mark.parametrize("header", ["X-Filler", "User-Agent", "Referer", "Accept-Language",
                                    "Cookie", "If-None-Match", "Purpose"])
def test_a_20_kb_header_does_not_break_a_page(client, world, header):
    values = {"Accept-Language": "nb;q=0.5," * 2000, "Cookie": "session=" + "A." * 10_000}
    response = client.get("/", headers={header: values.get(header, "x" * 20_000)})
    assert response.status_code == 200


def test_a_10_kb_path_is_not_found(client):
    for path in ["/" + "a" * 10_000, "/modules/" + "b" * 10_000 + "/c", "/static/" + "d/" * 5000]:
        response = client.get(path)
        assert response.status_code == 404
        assert NOT_FOUND in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [None, "participant", "coordinator"])
def test_nul_in_any_part_of_an_address_is_not_found(app, client, world, role):
    sign_in(client, role)
    assert client.get("/modules/%00/x").status_code == 404
    for rule in rules(app, "GET"):
        address = route_address(rule.rule, world, text="a\x00b")
        if address != route_address(rule.rule, world):
            assert client.get(address).status_code in ALLOWED - {200}, address


TRAVERSALS = [
    "/course-media/waste/../module.toml", "/course-media/waste/..%2fmodule.toml",
    "/course-media/waste/%2e%2e/module.toml", "/course-media/waste/audio/../../module.toml",
    "/course-media/waste/audio/..%2f..%2fmodule.toml", "/course-media/waste/..%5cmodule.toml",
    "/course-media/waste/%2e%2e%2f%2e%2e%2f%2e%2e%2fconfig.py",
    "/course-media/..%2f..%2f/config.py", "/course-media/waste//etc/passwd",
    "/static/../../config.py", "/static/..%2f..%2fconfig.py", "/static/%2e%2e/%2e%2e/config.py",
    "/static/css/../../__init__.py", "/static/css/..%2f..%2f__init__.py",
    "/static/..\\..\\config.py", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
]
SECRETS = [ROOT / "config.py", ROOT / "courses/waste/module.toml",
           ROOT / "housingschool/__init__.py"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_finds_nothing(client, path):
    response = client.get(path, follow_redirects=True)  # "//" is redirected to "/" first
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert not any(secret.read_text()[:80] in body for secret in SECRETS)


def test_media_and_static_files_are_still_served(client):
    """The check above would pass if nothing were served at all."""
    for path in ("/course-media/waste/icon.svg", "/static/css/admin.css"):
        with client.get(path) as response:
            assert response.status_code == 200


@pytest.mark.parametrize("role", [None, "participant", "teacher", "coordinator", "admin"])
def test_head_and_options_on_every_page_never_fail(app, client, world, role):
    sign_in(client, role)
    for rule in rules(app, "GET"):
        address = route_address(rule.rule, world)
        for method in ("HEAD", "OPTIONS"):
            with open_as(client, method, address) as response:
                assert response.status_code in ALLOWED | {410}, f"{method} {address}"


def test_unknown_methods_get_the_kind_405_page_on_every_route(app, client, world):
    for rule in rules(app, "GET") + rules(app, "POST"):
        address = route_address(rule.rule, world)
        for method in {"PUT", "DELETE", "PATCH"} - rule.methods:
            response = open_as(client, method, address)
            assert response.status_code == 405, f"{method} {address}"
            assert NOT_FOUND in response.get_data(as_text=True), f"{method} {address}"


GARBAGE = {"live": "\x00" + "9" * 40, "lang": "\u202e" * 500, "version": "-1", "x": "%s" * 99}


def test_the_phone_s_live_state_ignores_garbage_parameters(client, world):
    sign_in(client, "participant")
    response = client.get("/live/state.json", query_string=GARBAGE)
    assert response.status_code == 200 and response.json["live"] is True


def test_the_projector_s_live_state_ignores_garbage_parameters(client, world):
    sign_in(client, "teacher")
    response = client.get(f"/teach/groups/{world.group}/live/state.json", query_string=GARBAGE)
    assert response.status_code == 200 and json.loads(response.get_data())


def test_live_state_answers_json_401_to_a_stranger_with_garbage(client):
    response = client.get("/live/state.json", query_string=GARBAGE)
    assert response.status_code == 401 and response.is_json


def test_the_id_converter_refuses_ids_the_database_cannot_hold():
    urls = Map([Rule("/groups/<int:group_id>", endpoint="group")],
               converters={"int": DatabaseIdConverter}).bind("boligskolen.test")
    assert urls.match(f"/groups/{MAX_ID}") == ("group", {"group_id": MAX_ID})
    for too_big in (MAX_ID + 1, 2**63, 10**30):
        with pytest.raises(NotFound):
            urls.match(f"/groups/{too_big}")


@pytest.mark.parametrize("role", ["participant", "teacher", "coordinator", "admin"])
def test_an_id_too_big_for_the_database_is_not_found(app, client, world, role):
    token = sign_in(client, role)
    numbers = (MAX_ID + 1, 2**63)  # past PostgreSQL's INTEGER, and past SQLite's and BIGINT
    for rule in [rule for rule in rules(app, "GET") + rules(app, "POST") if "<int:" in rule.rule]:
        for number in numbers:
            address = route_address(rule.rule, world, number=number)
            method = "GET" if "GET" in rule.methods else "POST"
            response = open_as(client, method, address, data={"csrf_token": token})
            assert response.status_code in (302, 400, 403, 404, 405), f"{method} {address}"
