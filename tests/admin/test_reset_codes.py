"""One-time codes: a staff member chooses a password with one; it works once, for 7 days."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from housingschool.accounts.models import ResetCode
from housingschool.admin import codes
from housingschool.extensions import db
from tests.admin.helpers import PASSWORD, use_code

NOT_WORKING = "This code does not work"


@pytest.fixture
def tove(factory):
    """A teacher who has never chosen a password, with a code made by her coordinator."""
    org = factory.org()
    kari = factory.user("kari", "coordinator", PASSWORD, organisation=org)
    teacher = factory.user("tove", "teacher", "placeholder-9", organisation=org)
    return teacher, kari


def _code(user, by, now=None) -> str:
    made = codes.make_code(user, by, now=now)
    db.session.commit()
    return made.code


def test_a_code_works_once(client, tove):
    code = _code(*tove)
    page = client.get("/reset?username=tove").get_data(as_text=True)
    assert 'value="tove"' in page
    assert use_code(client, "tove", code).status_code == 302
    assert client.login("tove", PASSWORD).status_code == 302
    client.post_form("/logout", {}, page="/")
    again = use_code(client, "tove", code, secret="another-password")
    assert again.status_code == 422 and NOT_WORKING in again.get_data(as_text=True)
    assert client.login("tove", "another-password").status_code == 401


def test_a_code_expires_after_seven_days(client, tove):
    old = _code(*tove, now=datetime.now(UTC) - timedelta(days=7, minutes=1))
    assert use_code(client, "tove", old).status_code == 422
    fresh = _code(*tove, now=datetime.now(UTC) - timedelta(days=6, hours=23))
    assert use_code(client, "tove", fresh).status_code == 302


def test_a_new_code_replaces_the_earlier_one(client, tove):
    first = _code(*tove)
    second = _code(*tove)
    assert use_code(client, "tove", first).status_code == 422
    assert use_code(client, "tove", second).status_code == 302


def test_wrong_expired_used_and_other_peoples_codes_get_the_same_message(client, factory, tove):
    teacher, kari = tove
    other = factory.user("tina", "teacher", "placeholder-9", organisation=teacher.organisation)
    expired = _code(teacher, kari, now=datetime.now(UTC) - timedelta(days=8))
    tinas = _code(other, kari)
    pages = [use_code(client, "tove", expired), use_code(client, "tove", tinas),
             use_code(client, "nobody", tinas), use_code(client, "tove", "AAAA-BBBB-CCCC")]
    texts = [page.get_data(as_text=True) for page in pages]
    assert {page.status_code for page in pages} == {422}
    assert all(NOT_WORKING in text for text in texts)
    assert all('value="tove"' in text for text in (texts[0], texts[1], texts[3]))


def test_weak_or_mismatched_passwords_are_explained_and_keep_the_code_usable(client, tove):
    code = _code(*tove)
    short = use_code(client, "tove", code, secret="short")
    assert short.status_code == 422
    assert "at least 8 characters" in short.get_data(as_text=True)
    mismatch = use_code(client, "tove", code, confirm="long-enough-2")
    assert mismatch.status_code == 422
    assert "not the same" in mismatch.get_data(as_text=True)
    assert use_code(client, "tove", code).status_code == 302


def test_switched_off_accounts_cannot_use_a_code(client, tove):
    teacher, kari = tove
    code = _code(teacher, kari)
    teacher.active = False
    db.session.commit()
    assert use_code(client, "tove", code).status_code == 422


def test_guessing_codes_is_stopped_per_account(client, factory, app, tove):
    code = _code(*tove)
    limit = int(app.config["LOGIN_LIMIT_ACCOUNT"].split()[0])
    for _attempt in range(3):  # passwords that are too short do not count
        assert use_code(client, "tove", "AAAA-BBBB-CCCC", secret="short").status_code == 422
    for guess in range(limit):
        assert use_code(client, "tove", f"AAAA-BBBB-{guess:04d}").status_code == 422
    assert use_code(client, "tove", code).status_code == 429
    used = db.session.scalar(sa.select(ResetCode.used_at))
    assert used is None


def test_guessing_across_accounts_is_stopped_per_address(client, app, tove):
    limit = int(app.config["LOGIN_LIMIT_ADDRESS"].split()[0])
    for n in range(limit):
        assert use_code(client, f"user{n}", "AAAA-BBBB-CCCC").status_code == 422
    assert use_code(client, "tove", "AAAA-BBBB-CCCC").status_code == 429
