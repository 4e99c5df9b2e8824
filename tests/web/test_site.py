"""What every page shares: language and direction, fallback notice, CSRF, headers, /healthz,
and the checks the app makes when it starts."""

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from housingschool import create_app
from housingschool.accounts.models import User
from housingschool.content.loader import ContentError, format_problems, read_catalogue
from housingschool.extensions import db
from housingschool.i18n import LANGUAGES

FIXTURE = Path(__file__).parent.parent / "fixtures" / "course"


def html_tag(page):
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_every_language_sets_lang_and_dir_on_every_page(client, language):
    direction = "rtl" if language.code in ("ar", "fa-AF") else "ltr"
    for url in ["/", "/modules/waste", "/modules/waste/sorting-at-home", "/login", "/join",
                "/language", "/nope"]:
        page = client.get(url, query_string={"lang": language.code}).get_data(as_text=True)
        assert html_tag(page) == f'<html lang="{language.code}" dir="{direction}">', url


@pytest.mark.parametrize("code, sign_in", [("nb", "Logg inn"), ("en", "Sign in")])
def test_ui_is_translated(client, code, sign_in):
    assert sign_in in client.get(f"/?lang={code}").get_data(as_text=True)


def test_every_ui_language_has_its_own_words(client):
    for language in LANGUAGES:
        if language.code == "en":
            continue
        page = client.get(f"/join?lang={language.code}").get_data(as_text=True)
        assert "Your teacher gives you a join code" not in page, language.code


def test_language_choice_is_remembered_in_the_session(client):
    client.get("/?lang=ar")
    assert html_tag(client.get("/").get_data(as_text=True)) == '<html lang="ar" dir="rtl">'


def test_language_choice_is_saved_on_the_signed_in_user(as_participant, app):
    as_participant.get("/?lang=fa-AF")
    with app.app_context():
        saved = db.session.scalar(sa.select(User.language).where(User.username == "amina"))
    assert saved == "fa-AF"


def test_language_chosen_before_sign_in_is_kept(client, factory, app):
    factory.user("amina", secret="482915", language="uk")
    client.get("/?lang=so")
    client.login("amina", "482915")
    assert 'lang="so"' in html_tag(client.get("/").get_data(as_text=True))


def test_saved_language_follows_the_user_to_a_new_phone(client, factory, app):
    factory.user("amina", secret="482915", language="ti")
    client.login("amina", "482915")
    assert 'lang="ti"' in html_tag(client.get("/").get_data(as_text=True))


def test_browser_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/", headers={"Accept-Language": "de;q=1, uk;q=0.8"}).get_data(as_text=True)
    assert 'lang="uk"' in html_tag(page)


def test_default_language_is_bokmal(client):
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert html_tag(page) == '<html lang="nb" dir="ltr">'


def test_language_picker_shows_each_language_in_its_own_script(client):
    page = client.get("/language?next=/modules/waste?lang=en").get_data(as_text=True)
    for name in ["Norsk bokmål", "English", "Українська", "العربية", "دری", "ትግርኛ", "Soomaali"]:
        assert name in page
    assert re.search(r'href="/modules/waste\?lang=ar"\s+lang="ar" hreflang="ar" dir="rtl"', page)
    assert "lang=en&amp;lang" not in page
    assert 'href="https://evil' not in client.get(
        "/language?next=https://evil.example").get_data(as_text=True)


def test_missing_translation_falls_back_to_bokmal_with_a_notice(fixture_site):
    client = fixture_site.test_client()
    page = client.get("/modules/home/keys?lang=uk").get_data(as_text=True)
    assert "Keys nb" in page and "You lost your key nb" in page
    assert 'class="notice fallback-notice"' in page
    assert 'class="lesson" lang="nb" dir="ltr"' in page
    english = client.get("/modules/home/keys?lang=en").get_data(as_text=True)
    assert "fallback-notice" not in english and "Keys en" in english


def test_fallback_content_stays_left_to_right_inside_an_arabic_page(fixture_site):
    page = fixture_site.test_client().get("/modules/home/keys?lang=ar").get_data(as_text=True)
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert 'class="lesson" lang="nb" dir="ltr"' in page


def test_forms_without_a_csrf_token_are_refused(client, factory):
    factory.user("amina", secret="482915")
    response = client.post("/login", data={"username": "amina", "secret": "482915"})
    assert response.status_code == 400
    assert "Something went wrong with the form" in response.get_data(as_text=True)
    assert client.post("/modules/waste/sorting-at-home/quiz", data={}).status_code == 400
    assert client.post("/logout").status_code == 400


def test_security_headers_and_a_csp_without_unsafe_inline(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert 'style="' not in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client):
    client.get("/?lang=en")
    cookie = client.http.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/x")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_site_refuses_to_start_on_invalid_content_with_the_checker_message(tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE, root)
    (root / "home" / "en" / "keys.md").write_text("no front matter")
    with pytest.raises(ContentError) as error:
        create_app("testing", COURSES_DIR=root)
    _, problems = read_catalogue(root)
    assert str(error.value) == format_problems(problems, root)
    assert "courses/home/en/keys.md:1: bad front matter" in str(error.value)


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
