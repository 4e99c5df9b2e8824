"""User enumeration: the site must not tell a stranger which usernames exist.

Sign-in (PIN or password, and pictures) and the one-time-code page answer a wrong username
exactly as a wrong secret: same status, same page (apart from the CSRF token and the username
typed, which is shown again), same headers, and one password hash either way, so the time
does not tell either. Joining a course says "taken" for a taken username (see the last test).
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from config import ProductionConfig
from housingschool.accounts import services
from housingschool.accounts.services import create_user
from housingschool.admin.codes import make_code
from housingschool.extensions import db, limiter
from tests.security.attack_helpers import PASSWORD, PIN, english

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"')
PICTURES = {"first": "house", "second": "key", "third": "sun"}
WRONG_PICTURES = {"first": "cat", "second": "fish", "third": "car"}
# Headers that differ between any two requests: only their presence is compared.
VOLATILE = {"Set-Cookie", "Date", "Content-Length", "X-RateLimit-Reset", "X-Request-ID"}


@pytest.fixture
def people(factory):
    """amina (PIN), yonas (pictures), olav (switched off), kari (staff with an old code)."""
    group = factory.group()
    factory.user("amina", group=group)
    db.session.add(create_user(group.organisation, "yonas", "Yonas", "participant", None,
                               pictures=tuple(PICTURES.values()), group=group))
    factory.user("olav", group=group).active = False
    kari = factory.user("kari", "coordinator", PASSWORD, organisation=group.organisation)
    make_code(kari, None, now=datetime.now(UTC) - timedelta(days=8))  # expired
    db.session.commit()
    return group


@pytest.fixture
def stranger(app, client_for):
    """A new browser for every try, so no try differs by what an earlier one left behind."""
    return lambda: english(client_for(app))


def _answer(browser, url: str, username: str, data: dict):
    """Status, page and headers of one failed try, with the username (and so the length)
    made neutral."""
    limiter.reset()  # every try starts with the same budget, so rate-limit headers match
    response = browser.post_form(url, {"username": username, **data})
    body = TOKEN.sub("TOKEN", response.get_data(as_text=True)).replace(username, "USERNAME")
    headers = sorted((k, "…" if k in VOLATILE else v) for k, v in response.headers.items())
    return response.status_code, body, headers


def _all_the_same(answers: dict) -> None:
    (first_name, first), *others = answers.items()
    assert first[0] in (401, 422)
    for name, answer in others:
        assert answer[0] == first[0], f"{name}: status {answer[0]}, {first_name}: {first[0]}"
        assert answer[1] == first[1], f"{name} and {first_name} give different pages"
        assert answer[2] == first[2], f"{name} and {first_name} give different headers"


def test_sign_in_with_pin_does_not_tell_which_usernames_exist(people, stranger):
    wrong = {"secret": "739146"}
    _all_the_same({
        "unknown username": _answer(stranger(), "/login", "nobody", wrong),
        "wrong PIN": _answer(stranger(), "/login", "amina", wrong),
        "picture account": _answer(stranger(), "/login", "yonas", wrong),
        "switched off, wrong PIN": _answer(stranger(), "/login", "olav", wrong),
        "staff, wrong password": _answer(stranger(), "/login", "kari", wrong),
    })


def test_sign_in_with_pictures_does_not_tell_which_usernames_exist(people, stranger):
    url = "/login/pictures"
    _all_the_same({
        "unknown username": _answer(stranger(), url, "nobody", WRONG_PICTURES),
        "wrong pictures": _answer(stranger(), url, "yonas", WRONG_PICTURES),
        "PIN account": _answer(stranger(), url, "amina", WRONG_PICTURES),
        "PIN account, its pictures": _answer(stranger(), url, "amina", PICTURES),
    })


def test_one_time_code_page_does_not_tell_which_usernames_exist(people, stranger):
    wrong = {"code": "ABCD-EFGH-JKMN", "secret": PASSWORD, "confirm": PASSWORD}
    _all_the_same({
        "unknown username": _answer(stranger(), "/reset", "nobody", wrong),
        "wrong code": _answer(stranger(), "/reset", "kari", wrong),
        "participant": _answer(stranger(), "/reset", "amina", wrong),
        "switched off": _answer(stranger(), "/reset", "olav", wrong),
    })


@pytest.fixture
def hashes(monkeypatch):
    """Counts password-hash checks during sign-in."""
    calls = []
    real = services.check_password_hash

    def counting(stored, secret):
        calls.append(stored)
        return real(stored, secret)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize(("url", "username", "data"), [
    ("/login", "nobody", {"secret": "739146"}),
    ("/login", "amina", {"secret": "739146"}),
    ("/login", "yonas", {"secret": "739146"}),
    ("/login", "olav", {"secret": "739146"}),
    ("/login", "amina", {"secret": PIN}),
    ("/login/pictures", "nobody", WRONG_PICTURES),
    ("/login/pictures", "yonas", WRONG_PICTURES),
    ("/login/pictures", "amina", PICTURES),
    ("/login/pictures", "yonas", {"first": "cat", "second": "cat", "third": "cat"}),
    ("/login/pictures", "yonas", PICTURES),
])
def test_every_sign_in_computes_exactly_one_hash(people, client, hashes, url, username, data):
    client.post_form(url, {"username": username, **data})
    assert len(hashes) == 1


def test_the_stand_in_hash_costs_what_a_real_one_costs_in_production():
    """A wrong username is checked against a stand-in hash; made with another method (or
    other scrypt parameters) it would answer faster or slower, and tell the username."""
    method = services._DUMMY_HASH.split("$", 1)[0]
    real = services.generate_password_hash("x", method=ProductionConfig.PASSWORD_HASH_METHOD)
    assert method == real.split("$", 1)[0]


def test_joining_with_a_taken_username_says_taken_and_nothing_more(people, factory, stranger):
    """Decision: usernames are unique on the whole site, and someone choosing one must be told
    it is taken. That reveals that the name exists somewhere, no more: the answer is the same
    for a username in this organisation and in another one, and names nobody's data. Only
    someone with a valid join code gets this far, and every try counts towards the join limit.
    """
    other = factory.org("bergen", "Bergen kommune")
    factory.user("bjorn", "teacher", PASSWORD, organisation=other, display_name="Bjørn Berg")
    form = {"display_name": "Ny", "secret": "739146", "confirm": "739146"}
    answers = {name: _answer(stranger(), "/join/HOME2026", name, form)
               for name in ("amina", "bjorn")}
    same, other_org = answers["amina"], answers["bjorn"]
    assert same[0] == other_org[0] == 200
    assert same[1] == other_org[1]
    assert "Someone already has this username" in same[1]
    assert "Bergen" not in other_org[1] and "Bjørn" not in other_org[1]
