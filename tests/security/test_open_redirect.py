"""Open redirects: every place that follows a `next` link stays on this site.

`next` is read by sign-in (/login, /login/pictures), the text-size switch (/text-size) and the
language picker (/language, whose links carry it). All go through web.safe_next. A link in a
phishing mail such as /login?next=//evil.example must never send someone who signs in, on the
real site, to a look-alike that asks for their PIN again.
"""

import html
import re
from urllib.parse import quote

import pytest

from housingschool.accounts.services import create_user
from housingschool.extensions import db
from tests.security.attack_helpers import PIN, browser_target, stays_on_site

EVIL = ["//evil.example", "https://evil.example", "http:evil.example", "\\\\evil.example",
        "///evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", " //evil.example",
        "\r\nLocation: https://evil.example", "/\\evil.example", "/\t/evil.example",
        "/\r\n/evil.example"]
# The tab and CR/LF cases matter because Python's urlsplit (used by Werkzeug on the Location
# header and by web.with_language) drops tabs and newlines, so "/<tab>/evil.example" would become
# "//evil.example"; browsers read a backslash as a slash.


@pytest.fixture
def people(factory):
    group = factory.group()
    factory.user("amina", group=group)
    db.session.add(create_user(group.organisation, "yonas", "Yonas", "participant", None,
                               pictures=("house", "key", "sun"), group=group))
    db.session.commit()


def _with_next(path: str, target: str) -> str:
    return f"{path}?next={quote(target, safe='')}"


def _assert_on_site(response) -> None:
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert stays_on_site(location), f"Location {location!r} leaves the site"


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_with_pin_stays_on_site(people, client, target):
    url = _with_next("/login", target)
    _assert_on_site(client.post_form(url, {"username": "amina", "secret": PIN}))


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_with_pictures_stays_on_site(people, client, target):
    url = _with_next("/login/pictures", target)
    _assert_on_site(client.post_form(url, {"username": "yonas", "first": "house",
                                           "second": "key", "third": "sun"}))


@pytest.mark.parametrize("target", EVIL)
def test_text_size_switch_stays_on_site(client, target):
    _assert_on_site(client.post_form("/text-size", {"large_text": "on", "next": target},
                                     page="/language"))


@pytest.mark.parametrize("target", EVIL)
def test_language_links_stay_on_site(client, target):
    page = client.get("/language", query_string={"next": target})
    assert page.status_code == 200
    links = _language_links(page.get_data(as_text=True))
    assert len(links) >= 5
    assert all(stays_on_site(link) for link in links), links


def _language_links(body: str) -> list[str]:
    """The href of every language choice, unescaped as a browser would read it."""
    return [html.unescape(href) for href in
            re.findall(r'class="button button-secondary language-choice" href="([^"]*)"', body)]


def test_a_next_link_on_this_site_is_still_followed(people, client):
    """The checks above would pass if `next` were ignored: show that it is not."""
    asked = client.get("/progress")
    assert asked.status_code == 302
    login = asked.headers["Location"]
    assert browser_target(login).path == "/login"
    done = client.post_form(login, {"username": "amina", "secret": PIN})
    assert done.headers["Location"] == "/progress"
    page = client.get("/language", query_string={"next": "/modules/waste?x=1"})
    assert "/modules/waste?x=1&amp;lang=ar" in page.get_data(as_text=True)
