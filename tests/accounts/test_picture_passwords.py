"""Picture passwords as the account services keep them: hashed, in order, never mixed with PINs."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.accounts.pictures import PICTURE_IDS, canonical, random_pictures
from housingschool.accounts.services import (
    AccountError,
    authenticate,
    authenticate_pictures,
    set_pictures,
    set_secret,
)
from housingschool.extensions import db


@pytest.fixture
def amina(factory):
    user = factory.user("amina", secret="482915")
    set_pictures(user, ("house", "key", "sun"))
    db.session.commit()
    return user


def test_a_picture_password_is_stored_as_a_hash_and_marked_as_pictures(amina):
    stored = db.session.scalar(sa.select(User).where(User.username == "amina"))
    assert stored.secret_kind == "pictures"
    assert "pic:" not in stored.password_hash and "house" not in stored.password_hash
    assert canonical(("house", "key", "sun")) == "pic:1-2-3"


def test_only_the_same_pictures_in_the_same_order_sign_in(amina):
    assert authenticate_pictures("Amina ", ("house", "key", "sun")) == amina
    assert authenticate_pictures("amina", ("key", "house", "sun")) is None
    assert authenticate_pictures("amina", ("house", "key", "tree")) is None
    assert authenticate_pictures("amina", ("house", "key")) is None
    assert authenticate_pictures("nobody", ("house", "key", "sun")) is None


def test_the_old_pin_and_the_hashed_text_do_not_open_a_picture_account(amina):
    assert authenticate("amina", "482915") is None
    assert authenticate("amina", "pic:1-2-3") is None  # typed into the PIN form


def test_pictures_do_not_open_an_account_with_a_pin(factory):
    user = factory.user("yonas", secret="739146")
    assert user.secret_kind == "pin"
    assert authenticate_pictures("yonas", ("house", "key", "sun")) is None
    assert authenticate("yonas", "739146") == user


def test_a_new_pin_replaces_the_pictures(amina):
    set_secret(amina, "739146")
    db.session.commit()
    assert amina.secret_kind == "pin"
    assert authenticate_pictures("amina", ("house", "key", "sun")) is None
    assert authenticate("amina", "739146") == amina


@pytest.mark.parametrize("choice, rule", [
    (("house", "house", "sun"), "pictures_repeated"),
    (("house", "key"), "pictures_missing"),
    (("house", "key", "dragon"), "pictures_missing"),
    (("house", "key", None), "pictures_missing"),
])
def test_three_different_known_pictures_are_needed(amina, choice, rule):
    with pytest.raises(AccountError) as error:
        set_pictures(amina, choice)
    assert error.value.code == rule


def test_random_pictures_are_three_different_ones(ctx):
    seen = set()
    for _ in range(50):
        choice = random_pictures()
        assert len(set(choice)) == 3 and set(choice) <= set(PICTURE_IDS)
        seen.add(choice)
    assert len(seen) > 40  # not the same few every time


def test_the_twelve_pictures_keep_their_order_and_each_has_a_drawing():
    # The order is part of every stored hash: moving a picture breaks existing passwords.
    assert PICTURE_IDS == ("house", "key", "sun", "tree", "cat", "fish", "car", "bike", "cup",
                           "star", "flower", "boat")
    sprite = (Path(__file__).parents[2] / "housingschool" / "static" / "img" /
              "pictures.svg").read_text()
    assert set(re.findall(r'<symbol id="([a-z]+)"', sprite)) == set(PICTURE_IDS)
