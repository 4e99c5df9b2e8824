"""Fewer bytes for phones: compressed answers, static files cached for a year under an address
that changes with their content, and pages answered with an empty 304 when unchanged."""

import gzip
import hashlib
import itertools
import re
from pathlib import Path

import brotli
import pytest
from itsdangerous import TimestampSigner

from housingschool import create_app
from tests.web.test_learning import submit

STATIC = Path(__file__).parents[2] / "housingschool" / "static"
YEAR = "public, max-age=31536000, immutable"


def stylesheet_url(page: str) -> str:
    return re.search(r'href="(/static/css/site\.css[^"]*)"', page).group(1)


def settled(client, url):
    """The page once the session has settled: the first visits set the session cookie
    (CSRF token, sign-in state), and a page that sets a cookie is never answered 304."""
    for _visit in range(3):
        response = client.get(url)
        if "ETag" in response.headers:
            return response
    raise AssertionError(f"{url} never got an ETag")


def test_pages_are_compressed_with_brotli_or_gzip_when_the_phone_accepts_it(client):
    plain = client.get("/modules/waste")
    assert "Content-Encoding" not in plain.headers  # a client that did not ask

    brotli_page = client.get("/modules/waste", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert brotli_page.headers["Content-Encoding"] == "br"
    assert brotli.decompress(brotli_page.data) == plain.data
    assert len(brotli_page.data) < len(plain.data) / 2

    gzip_page = client.get("/modules/waste", headers={"Accept-Encoding": "gzip"})
    assert gzip_page.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzip_page.data) == plain.data
    assert "Accept-Encoding" in gzip_page.headers["Vary"]  # caches keep the versions apart


def test_stylesheet_is_compressed_too(client):
    url = stylesheet_url(client.get("/").get_data(as_text=True))
    with client.get(url, headers={"Accept-Encoding": "br"}) as response:
        body = response.data
        assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == (STATIC / "css" / "site.css").read_bytes()


def test_static_address_carries_the_content_hash_and_is_cached_for_a_year(client):
    url = stylesheet_url(client.get("/").get_data(as_text=True))
    content = (STATIC / "css" / "site.css").read_bytes()
    assert url == f"/static/css/site.css?v={hashlib.sha256(content).hexdigest()[:12]}"
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == YEAR
        assert "Expires" not in response.headers


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_static_file_without_its_current_hash_is_checked_again_each_time(client, query):
    """An old page may ask for an old version: it must not be kept for a year."""
    with client.get("/static/css/site.css" + query) as response:
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]


def test_unchanged_page_is_answered_with_an_empty_304(as_participant):
    first = settled(as_participant, "/modules/waste")
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    again = as_participant.get("/modules/waste", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["Cache-Control"] == "private, no-cache"


def test_page_is_downloaded_again_after_a_lesson_is_completed(as_participant, app):
    before = settled(as_participant, "/modules/tenancy-rights")
    submit(as_participant, app)  # passes deposit-and-rent
    after = as_participant.get("/modules/tenancy-rights",
                               headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.data != before.data


def test_page_in_another_language_is_downloaded_again(client):
    client.get("/modules/waste?lang=en")
    english = settled(client, "/modules/waste")
    client.get("/language?lang=ar")
    arabic = client.get("/modules/waste", headers={"If-None-Match": english.headers["ETag"]})
    assert arabic.status_code == 200
    assert 'lang="ar"' in arabic.get_data(as_text=True)


def test_form_on_a_page_answered_304_still_submits(client, factory, monkeypatch):
    """CSRF tokens are signed afresh on every request; the phone keeps its older copy of the
    page after a 304, and that copy's token must still be accepted."""
    factory.user("amina", group=factory.group())
    clock = itertools.count(1_800_000_000, 60)  # a minute passes between requests
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: next(clock))
    kept = settled(client, "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', kept.get_data(as_text=True))[1]
    later = client.get("/login")
    assert token not in later.get_data(as_text=True)  # signed again: a different token
    assert client.get("/login", headers={"If-None-Match": kept.headers["ETag"]}).status_code == 304
    response = client.post("/login", data={"csrf_token": token, "username": "amina",
                                           "secret": "482915"})
    assert response.status_code == 302


def test_pages_that_must_not_be_stored_keep_no_store_and_get_no_etag(client):
    client.get("/verify")
    client.get("/verify")
    response = client.get("/verify")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_personal_pages_are_private(as_participant):
    response = as_participant.get("/progress")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_behind_a_compressing_proxy_the_app_can_leave_compression_to_it(database_url):
    site = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, COMPRESS_REGISTER=False)
    client = site.test_client()
    client.environ_base["HTTP_ACCEPT_ENCODING"] = "br, gzip"
    page = settled(client, "/modules/waste")
    assert "Content-Encoding" not in page.headers
    again = client.get("/modules/waste", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_course_picture_asked_for_with_its_hash_is_kept_for_a_year(client, app):
    picture = app.config["COURSES_DIR"] / "waste" / "img" / "icon.svg"
    digest = hashlib.sha256(picture.read_bytes()).hexdigest()[:12]
    with client.get(f"/course-media/waste/icon.svg?v={digest}") as response:
        assert response.headers["Cache-Control"] == YEAR
    with client.get("/course-media/waste/icon.svg") as response:
        assert response.headers["Cache-Control"] == "public, max-age=604800"
