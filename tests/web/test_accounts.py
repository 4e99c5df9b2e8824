"""Joining a course with a join code, signing in and out, rate limits, the users CLI."""

import sqlalchemy as sa

from config import CONFIGS
from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.teaching.models import Membership


def register(client, code="HOME2026", **fields):
    data = {"username": "yonas", "display_name": "Yonas", "secret": "739146",
            "confirm": "739146"} | fields
    return client.post_form(f"/join/{code}", data)


def test_participant_joins_with_a_valid_code_and_is_signed_in(client, factory):
    group = factory.group(join_code="HOME2026")
    response = client.post_form("/join", {"code": " home-2026 "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/join/HOME2026")
    page = client.get("/join/HOME2026").get_data(as_text=True)
    assert "Boligskole vår" in page and "email" in page.lower()

    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "yonas"))
    assert user.role == "participant" and user.organisation_id == group.organisation_id
    assert db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    home = client.get("/").get_data(as_text=True)
    assert "Yonas" in home and "Sign out" in home


def test_invalid_join_code_explains_and_keeps_what_was_typed(client, factory):
    factory.group(join_code="HOME2026")
    response = client.post_form("/join", {"code": "HOME2025"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "We do not know this code" in page
    assert 'value="HOME2025"' in page
    assert client.get("/join/NOPE").status_code == 302


def test_archived_group_code_no_longer_opens(client, factory):
    group = factory.group(join_code="OLD2025")
    group.archived = True
    db.session.commit()
    assert client.post_form("/join", {"code": "OLD2025"}).status_code == 422


def test_taken_username_keeps_the_other_fields(client, factory):
    group = factory.group()
    factory.user("yonas", group=group)
    response = register(client, display_name="Yonas T")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone already has this username" in page
    assert 'value="Yonas T"' in page and 'value="739146"' in page


def test_weak_pins_and_short_passwords_are_refused_with_a_reason(client, factory):
    factory.group()
    for secret, reason in [("12345", "at least 6 digits"), ("123456", "too easy to guess"),
                           ("000000", "too easy to guess"), ("abc", "at least 8 characters")]:
        page = register(client, secret=secret, confirm=secret).get_data(as_text=True)
        assert reason in page, secret
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_mismatched_confirmation_is_refused(client, factory):
    factory.group()
    page = register(client, confirm="739147").get_data(as_text=True)
    assert "The two entries are not the same" in page


def test_pin_is_stored_hashed_with_a_modern_kdf(client, factory, app):
    factory.group()
    register(client)
    user = db.session.scalar(sa.select(User).where(User.username == "yonas"))
    assert "739146" not in user.password_hash
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])
    for name in ("development", "production"):
        assert CONFIGS[name].PASSWORD_HASH_METHOD == "scrypt"


def test_login_and_logout(client, factory):
    factory.user("amina", secret="482915")
    response = client.login("Amina ", "482915")
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.post_form("/logout", {}, page="/")
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_login_failure_says_so_without_revealing_which_part_was_wrong(client, factory):
    factory.user("amina", secret="482915")
    wrong_pin = client.login("amina", "111222")
    no_user = client.login("nobody", "482915")
    assert wrong_pin.status_code == no_user.status_code == 401
    text = "The username or the password/PIN is not right"
    assert text in wrong_pin.get_data(as_text=True) and text in no_user.get_data(as_text=True)


def test_pin_guessing_is_stopped_per_account(client, factory, app):
    factory.user("amina", secret="482915")
    limit = int(app.config["LOGIN_LIMIT_ACCOUNT"].split()[0])
    for guess in range(limit):
        assert client.login("amina", f"{100000 + guess}").status_code == 401
    blocked = client.login("amina", "482915")
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.get_data(as_text=True)
    factory.user("yonas", secret="739146")
    assert client.login("yonas", "739146").status_code == 302  # other accounts still work


def test_successful_sign_ins_do_not_count_towards_the_limit(client, factory, app):
    factory.user("amina", secret="482915")
    limit = int(app.config["LOGIN_LIMIT_ACCOUNT"].split()[0])
    for _ in range(limit + 2):
        assert client.login("amina", "482915").status_code == 302
        client.post_form("/logout", {}, page="/")


def test_guessing_across_accounts_is_stopped_per_address(client, factory, app):
    limit = int(app.config["LOGIN_LIMIT_ADDRESS"].split()[0])
    for n in range(limit):
        assert client.login(f"user{n}", "999888").status_code == 401
    assert client.login("someone", "999888").status_code == 429


def test_join_code_guessing_is_limited_per_address(client, factory, app):
    limit = int(app.config["JOIN_LIMIT_ADDRESS"].split()[0])
    for n in range(limit):
        assert client.post_form("/join", {"code": f"GUESS{n}"}).status_code == 422
    assert client.post_form("/join", {"code": "GUESS"}).status_code == 429


def test_users_create_reads_the_password_from_stdin(app, factory):
    group = factory.group()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "tove", "--role", "teacher", "--org",
                                 "hamar", "--group", group.name, "--name", "Tove"],
                           input="teacher-pass-1\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "tove"))
    assert user.role == "teacher" and user.display_name == "Tove"
    client = app.test_client()
    assert client.post("/login", data={"username": "tove", "secret": "teacher-pass-1"})


def test_users_create_explains_a_weak_pin(app, factory):
    factory.org()
    result = app.test_cli_runner().invoke(
        args=["users", "create", "amina", "--role", "participant"], input="1234\n")
    assert result.exit_code != 0
    assert "at least 6 digits" in result.output


def test_demo_load_runs_once_and_keeps_data(app, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "amina" in first.output and "BOLIG2026" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert count == 5


def test_demo_data_gives_the_reports_something_to_show(app, ctx, client):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    assert client.login("coordinator", "demo-coordinator-pass").status_code == 302
    amina = db.session.scalar(sa.select(User).where(User.username == "amina"))
    yonas = db.session.scalar(sa.select(User).where(User.username == "yonas"))
    group = client.get(f"/reports/participants/{yonas.id}").get_data(as_text=True)
    assert "Failed the quiz" in group  # Yonas needs follow-up
    certificate = client.get(f"/certificates/participants/{amina.id}").get_data(as_text=True)
    assert "Issue certificate" in certificate  # Amina has completed the course


def test_a_new_pin_signs_the_participant_out_on_their_other_phone(client, client_for, app,
                                                                  factory):
    from housingschool.accounts.services import set_secret

    factory.user("amina", secret="482915")
    other_phone = client_for(app)
    other_phone.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert other_phone.login("amina", "482915").status_code == 302
    assert other_phone.get("/progress").status_code == 200
    user = db.session.scalar(sa.select(User).where(User.username == "amina"))
    set_secret(user, "739204")
    db.session.commit()
    assert other_phone.get("/progress").status_code == 302  # back to sign-in
    assert client.login("amina", "739204").status_code == 302
    assert client.get("/progress").status_code == 200


def test_a_switched_off_account_cannot_sign_in_and_its_session_ends(client, factory):
    user = factory.user("tove", role="teacher", secret="teacher-pass-1")
    assert client.login("tove", "teacher-pass-1").status_code == 302
    user.active = False
    db.session.commit()
    assert client.get("/teach/").status_code == 302
    response = client.login("tove", "teacher-pass-1")
    assert response.status_code == 403
    assert "switched off" in response.get_data(as_text=True)
