"""Low literacy: larger text that follows the participant, and an icon beside every main action."""

import re

import pytest
import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.teaching.models import Group


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def is_large(client) -> bool:
    return 'class="large-text"' in html_tag(client.get("/").get_data(as_text=True))


def switch_text(client, on: bool, next_page="/progress"):
    return client.post_form("/text-size", {"large_text": "on" if on else "off",
                                           "next": next_page}, page="/language")


def test_larger_text_is_switched_on_the_language_page_and_back_off(as_participant):
    page = as_participant.get("/language?next=/progress").get_data(as_text=True)
    assert 'action="/text-size"' in page and 'aria-pressed="false"' in page
    response = switch_text(as_participant, True)
    assert response.status_code == 302 and response.headers["Location"] == "/progress"
    assert is_large(as_participant)
    assert 'aria-pressed="true"' in as_participant.get("/language").get_data(as_text=True)
    switch_text(as_participant, False)
    assert not is_large(as_participant)


def test_larger_text_stays_after_signing_out_and_in_again_on_any_phone(as_participant, app,
                                                                       client_for):
    switch_text(as_participant, True)
    as_participant.post_form("/logout", {}, page="/")
    assert is_large(as_participant)  # the phone stays readable for the next sign-in
    other_phone = client_for(app)
    assert not is_large(other_phone)
    assert other_phone.login("amina", "482915").status_code == 302
    assert is_large(other_phone)  # remembered on the account

    switch_text(other_phone, False)
    other_phone.post_form("/logout", {}, page="/")
    assert other_phone.login("amina", "482915").status_code == 302
    assert not is_large(other_phone)


def test_a_visitor_keeps_larger_text_in_the_session_and_into_their_account(client, factory):
    factory.user("amina", secret="482915")
    switch_text(client, True, next_page="/login")
    assert is_large(client)
    assert client.login("amina", "482915").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.large_text).where(User.username == "amina"))


def test_the_text_size_form_only_goes_back_into_this_site(client):
    response = switch_text(client, True, next_page="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_without_a_choice_pages_have_normal_text(client):
    assert html_tag(client.get("/").get_data(as_text=True)) == '<html lang="en" dir="ltr">'


def buttons_without_icon(page: str) -> list[str]:
    """Text of every main action (class "button" or a header link) that has no icon."""
    actions = re.findall(
        r'<(?:a|button)\b[^>]*class="(?:button|nav-link)[^"]*"[^>]*>(.*?)</(?:a|button)>', page,
        flags=re.S)
    return [re.sub(r"<[^>]+>", "", a).strip() for a in actions if '<svg class="icon' not in a]


@pytest.mark.parametrize("path", ["/", "/login", "/login/pictures", "/join"])
def test_every_main_action_for_visitors_has_an_icon(client, path):
    assert buttons_without_icon(client.get(path).get_data(as_text=True)) == [], path


def test_every_main_action_for_participants_has_an_icon(as_participant, factory):
    factory.session(db.session.scalar(sa.select(Group)))
    for path in ("/", "/checkin", "/sessions", "/live"):
        response = as_participant.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert page.count('class="button') >= (2 if path == "/sessions" else 1), path
        assert buttons_without_icon(page) == [], path


def test_icons_are_hidden_from_screen_readers_and_arrows_turn_in_arabic(client):
    page = client.get("/login?lang=ar").get_data(as_text=True)
    icons = re.findall(r"<svg class=\"icon[^>]*>", page)
    assert icons and all('aria-hidden="true"' in icon for icon in icons)
    assert 'class="icon icon-flip"' in page  # "Sign in" points the reading direction
