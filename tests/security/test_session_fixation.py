"""Session fixation and stolen session cookies.

Sessions are signed cookies (Flask); Flask-Login keeps "<user id>:<password fingerprint>" in
them (User.get_id). Someone who planted a session cookie in a shared phone's browser before
the participant signed in must gain nothing from it, and a cookie copied from a signed-in
phone must stop working when it should.
"""

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from housingschool.accounts.models import User
from housingschool.accounts.services import set_secret
from housingschool.admin.services import deactivate, reactivate
from housingschool.extensions import db
from tests.security.attack_helpers import PIN

CSRF = 'name="csrf_token" type="hidden" value="'


@pytest.fixture
def amina(factory):
    return factory.user("amina", group=factory.group())


def _cookie(browser) -> str | None:
    cookie = browser.http.get_cookie("session")
    return cookie.value if cookie else None


def _plant(browser, value: str) -> None:
    browser.http.set_cookie("session", value)


def _signed_in(browser) -> bool:
    return browser.get("/progress").status_code == 200


def _form_token(browser, url: str = "/login") -> str:
    body = browser.get(url).get_data(as_text=True)
    return body.split(CSRF, 1)[1].split('"', 1)[0]


def test_a_cookie_planted_before_sign_in_does_not_sign_the_attacker_in(app, amina, client,
                                                                       client_for):
    attacker = client_for(app)
    attacker.get("/login?lang=ar")  # a session with a language choice in it
    planted = _cookie(attacker)
    assert planted
    _plant(client, planted)
    assert client.login("amina", PIN).status_code == 302
    assert _cookie(client) != planted
    assert _signed_in(client)
    assert not _signed_in(attacker)  # the planted cookie is still just a visitor's


@pytest.mark.parametrize("how", ["sign in", "join"])
def test_the_form_token_known_before_sign_in_stops_working_after_it(app, amina, client,
                                                                    client_for, how):
    """An attacker who planted a session also knows its CSRF token; after the victim signs
    in (or makes an account), that token must not be accepted for the victim's account."""
    attacker = client_for(app)
    known_token = _form_token(attacker)
    _plant(client, _cookie(attacker))
    if how == "sign in":
        assert client.login("amina", PIN).status_code == 302
    else:
        assert client.post("/join/HOME2026", data={
            "csrf_token": known_token, "username": "amina2", "display_name": "Amina",
            "secret": PIN, "confirm": PIN}).status_code == 302
    victim = db.session.scalar(sa.select(User).where(User.username.in_(["amina", "amina2"]))
                               .order_by(User.id.desc()))
    forged = client.post("/my/data/delete", data={"csrf_token": known_token})
    assert forged.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, victim.id).deletion_requested_at is None


def test_the_session_keeps_the_language_chosen_before_sign_in(amina, client):
    """Starting a new session at sign-in keeps the visitor's own choices."""
    client.get("/login?lang=uk")
    client.login("amina", PIN)
    assert 'lang="uk"' in client.get("/progress").get_data(as_text=True)


def test_a_cookie_signed_with_another_key_is_ignored(app, amina, client):
    forger = Flask("forger")
    forger.secret_key = "guessed-secret"
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    _plant(client, serializer.dumps({"_user_id": amina.get_id(), "_fresh": True}))
    assert not _signed_in(client)


def test_no_remember_me_cookie_and_the_session_cookie_is_httponly_and_samesite(amina, client):
    response = client.login("amina", PIN)
    cookies = response.headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("remember_token")]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_a_copied_cookie_stops_working_when_the_pin_changes(app, amina, client, client_for):
    client.login("amina", PIN)
    thief = client_for(app)
    _plant(thief, _cookie(client))
    assert _signed_in(thief)
    set_secret(db.session.get(User, amina.id), "739146")
    db.session.commit()
    assert not _signed_in(thief)


def test_a_copied_cookie_stops_working_when_the_account_is_switched_off(app, amina, client,
                                                                      client_for):
    client.login("amina", PIN)
    thief = client_for(app)
    _plant(thief, _cookie(client))
    db.session.get(User, amina.id).active = False
    db.session.commit()
    assert not _signed_in(thief)


def test_a_copied_cookie_stops_working_after_sign_out(app, amina, client, client_for):
    client.login("amina", PIN)
    thief = client_for(app)
    _plant(thief, _cookie(client))
    assert _signed_in(thief)
    client.post_form("/logout", {}, page="/")
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_a_cookie_from_before_an_account_was_switched_off_stays_dead_after_it_is_on_again(
        app, amina, client, client_for, factory):
    client.login("amina", PIN)
    thief = client_for(app)
    _plant(thief, _cookie(client))
    coordinator = factory.user("kari", "coordinator", "coordinator-pass",
                               organisation=amina.organisation)
    deactivate(amina, by=coordinator)
    db.session.commit()
    assert not _signed_in(thief)
    reactivate(amina)
    db.session.commit()

    assert not _signed_in(thief)
    assert client_for(app).login("amina", PIN).status_code == 302  # the PIN itself works again


def test_a_sign_in_sent_again_after_it_worked_goes_home_signed_in(amina, client):
    """The phone lost the answer to its sign-in and sends the same form again: the token in
    it belongs to the session before sign-in, which is gone. Not an error page: home."""
    token = _form_token(client)
    first = client.post("/login", data={"csrf_token": token, "username": "amina",
                                        "secret": PIN})
    again = client.post("/login", data={"csrf_token": token, "username": "amina",
                                        "secret": PIN})

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == "/"
    assert _signed_in(client)
    signed_out = client.post("/logout", data={"csrf_token": token})
    assert signed_out.status_code == 400, "any other form with an old token is still refused"
