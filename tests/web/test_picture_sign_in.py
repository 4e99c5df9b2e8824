"""Signing in with a picture password: choosing one when joining, getting one from the teacher,
and the same limits on guessing as for PINs."""

import re

import pytest
import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.accounts.services import set_pictures
from housingschool.extensions import db
from housingschool.teaching.models import Membership

HOUSE_KEY_SUN = {"first": "house", "second": "key", "third": "sun"}


def sign_in_with_pictures(client, username, pictures=HOUSE_KEY_SUN):
    return client.post_form("/login/pictures", {"username": username, **pictures})


@pytest.fixture
def amina(factory):
    user = factory.user("amina", group=factory.group())
    set_pictures(user, ("house", "key", "sun"))
    db.session.commit()
    return user


def test_participant_signs_in_by_tapping_three_pictures_in_order(client, amina):
    page = client.get("/login/pictures?username=amina").get_data(as_text=True)
    for row in ("first", "second", "third"):
        assert len(re.findall(rf'<input type="radio" name="{row}" value="[a-z]+"', page)) == 12
    assert 'value="amina"' in page  # the login card's QR code fills in the username
    assert sign_in_with_pictures(client, "amina").status_code == 302
    assert "Hello, Amina" in client.get("/").get_data(as_text=True)


def test_the_sign_in_page_offers_pictures_and_the_picture_page_offers_a_pin(client):
    assert 'href="/login/pictures"' in client.get("/login").get_data(as_text=True)
    assert 'href="/login?username=amina"' in client.get(
        "/login/pictures?username=amina").get_data(as_text=True)


def test_wrong_order_is_refused_kindly_and_the_pictures_are_not_shown_again(client, amina):
    response = sign_in_with_pictures(client, "amina",
                                     {"first": "key", "second": "house", "third": "sun"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "The username or the pictures are not right" in page
    assert " checked" not in page and 'value="amina"' in page


def test_a_missing_picture_is_named_and_the_others_stay_chosen(client, amina):
    response = sign_in_with_pictures(client, "amina", {"first": "house", "second": "key"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose the third picture." in page
    assert page.count(" checked") == 2


def test_picture_and_pin_guesses_share_one_limit_per_account(client, amina, app):
    limit = int(app.config["LOGIN_LIMIT_ACCOUNT"].split()[0])
    for guess in range(limit // 2):
        assert client.login("amina", f"{100000 + guess}").status_code == 401
    for guess in range(limit - limit // 2):
        wrong = {"first": "cat", "second": "fish", "third": ("car", "bike", "cup", "star",
                                                              "flower", "boat")[guess % 6]}
        assert sign_in_with_pictures(client, "amina", wrong).status_code == 401
    blocked = sign_in_with_pictures(client, "amina")  # even the right pictures now wait
    assert blocked.status_code == 429 and "Too many tries" in blocked.get_data(as_text=True)
    assert client.login("amina", "482915").status_code == 429


def test_picture_guesses_count_towards_the_address_limit_of_pin_sign_in(client, factory, app):
    limit = int(app.config["LOGIN_LIMIT_ADDRESS"].split()[0])
    for n in range(limit):
        assert sign_in_with_pictures(client, f"user{n}").status_code == 401
    assert client.login("someone", "999888").status_code == 429


def test_picture_sign_in_has_a_daily_limit_per_account(client, amina, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PICTURES", "3 per day")
    wrong = {"first": "cat", "second": "fish", "third": "car"}
    for _ in range(3):
        assert sign_in_with_pictures(client, "amina", wrong).status_code == 401
    assert sign_in_with_pictures(client, "amina").status_code == 429
    assert sign_in_with_pictures(client, "someone-else", wrong).status_code == 401


def test_joining_with_a_picture_password(client, factory):
    factory.group(join_code="HOME2026")
    page = client.get("/join/HOME2026").get_data(as_text=True)
    assert 'href="/join/HOME2026?kind=pictures"' in page
    form = client.get("/join/HOME2026?kind=pictures").get_data(as_text=True)
    assert 'name="secret"' not in form and form.count('type="radio" name="first"') == 12
    response = client.post_form("/join/HOME2026?kind=pictures", {
        "username": "yonas", "display_name": "Yonas",
        "first": "boat", "second": "cup", "third": "tree"})
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Remember your pictures, in this order: Boat, Cup, Tree." in home
    user = db.session.scalar(sa.select(User).where(User.username == "yonas"))
    assert user.secret_kind == "pictures"
    assert db.session.scalar(sa.select(Membership.id).where(Membership.user_id == user.id))
    client.post_form("/logout", {}, page="/")
    assert sign_in_with_pictures(client, "yonas", {"first": "boat", "second": "cup",
                                                    "third": "tree"}).status_code == 302


def test_joining_refuses_the_same_picture_twice_and_keeps_the_rest(client, factory):
    factory.group(join_code="HOME2026")
    response = client.post_form("/join/HOME2026?kind=pictures", {
        "username": "yonas", "display_name": "Yonas",
        "first": "boat", "second": "boat", "third": "tree"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose three different pictures." in page
    assert 'value="yonas"' in page and 'value="Yonas"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def card_pictures(page: str) -> list[str]:
    return re.findall(r'<use href="[^"#]*pictures\.svg[^"#]*#([a-z]+)"/>',
                      page.split('class="picture-sequence"')[1].split("</ol>")[0])


def test_teacher_gives_a_new_picture_password_and_prints_it_in_order(client, factory):
    group = factory.group()
    factory.teacher_in(group)
    participant = factory.user("amina", group=group)
    assert client.login("tove", "teacher-pass-1").status_code == 302
    group_page = client.get(f"/teach/groups/{group.id}").get_data(as_text=True)
    action = f"/teach/groups/{group.id}/participants/{participant.id}/new-pictures"
    assert f'action="{action}"' in group_page
    card = client.post_form(action, {}, page=f"/teach/groups/{group.id}").get_data(as_text=True)
    pictures = card_pictures(card)
    assert len(pictures) == 3 and len(set(pictures)) == 3
    assert "PIN</dt>" not in card and "Your pictures, in this order" in card
    client.post_form("/logout", {}, page="/")
    assert client.login("amina", "482915").status_code == 401  # the old PIN is gone
    chosen = dict(zip(("first", "second", "third"), pictures, strict=True))
    assert sign_in_with_pictures(client, "amina", chosen).status_code == 302


def test_another_teachers_participant_gets_no_picture_password(client, factory):
    group = factory.group()
    factory.teacher_in(group)
    other = factory.group(name="Other group", join_code="OTHER123")
    stranger = factory.user("yonas", group=other)
    assert client.login("tove", "teacher-pass-1").status_code == 302
    action = f"/teach/groups/{group.id}/participants/{stranger.id}/new-pictures"
    assert client.post_form(action, {}, page=f"/teach/groups/{group.id}").status_code == 404
    assert db.session.get(User, stranger.id).secret_kind == "pin"
