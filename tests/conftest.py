"""Shared fixtures: one app and database per test run (SQLite, or PostgreSQL when DATABASE_URL
is set), emptied after every test; factories; a client that signs in and posts forms with CSRF."""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, has_app_context
from flask_migrate import upgrade

from housingschool import create_app
from housingschool.accounts.models import Organisation
from housingschool.accounts.services import create_user
from housingschool.extensions import db, limiter
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership
from tools.scratch_database import scratch_database

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL")
    return f"database: {'PostgreSQL' if url else 'SQLite (set DATABASE_URL to test PostgreSQL)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, empty database for this test run; dropped afterwards."""
    with scratch_database(os.environ.get("DATABASE_URL"), tmp_path_factory.mktemp("db"),
                          "hs_test") as url:
        yield url


def compile_translations(app) -> None:
    """Compile the .po catalogues, as `make translations` does, so pytest alone works too."""
    folder = Path(app.root_path) / "translations"
    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source), use_fuzzy=True)


@pytest.fixture(scope="session")
def app(database_url):
    """The app, with the database schema made by the real migrations."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    compile_translations(app)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def fixture_site(database_url):
    """The site serving the small fixture course in tests/fixtures (nb and en only)."""
    site = create_app("testing", COURSES_DIR=Path(__file__).parent / "fixtures" / "course",
                      SQLALCHEMY_DATABASE_URI=database_url)
    yield site
    with site.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request):
    """Every test starts with empty tables and fresh rate limits."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.app_context():
        yield
        db.session.remove()


class Factory:
    """Makes organisations, groups and users; every call commits."""

    def org(self, slug="hamar", name="Hamar kommune", default_language="nb"):
        organisation = Organisation(slug=slug, name=name, default_language=default_language)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    def group(self, organisation=None, name="Boligskole vår", join_code="HOME2026"):
        organisation = organisation or db.session.scalar(
            sa.select(Organisation).where(Organisation.slug == "hamar")) or self.org()
        group = Group(organisation=organisation, name=name, join_code=join_code)
        db.session.add(group)
        db.session.commit()
        return group

    def user(self, username="amina", role="participant", secret="482915", group=None,
             organisation=None, language=None, display_name=None):
        organisation = organisation or (group.organisation if group else None)
        if organisation is None:
            organisation = db.session.scalar(sa.select(Organisation)) or self.org()
        user = create_user(organisation, username, display_name or username.title(), role,
                           secret, group=group, language=language)
        db.session.commit()
        return user

    def session(self, group, starts_at=None, minutes=90, lessons=("tenancy-rights",),
                place="Room 1"):
        """A group session (by default tomorrow at 10:00 UTC, 90 minutes)."""
        starts_at = starts_at or (datetime.now(UTC) + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0)
        session = GroupSession(group=group, starts_at=starts_at,
                               ends_at=starts_at + timedelta(minutes=minutes),
                               place=place, lessons=list(lessons))
        db.session.add(session)
        db.session.commit()
        return session

    def attendance(self, session, user, status="present", minutes=None, marked_by=None):
        """An attendance row, marked by the teacher."""
        row = Attendance(session_id=session.id, user_id=user.id, status=status,
                         minutes=session.minutes if minutes is None else minutes,
                         method="teacher", marked_by_id=(marked_by or user).id)
        db.session.add(row)
        db.session.commit()
        return row

    def teacher_in(self, group, username="tove"):
        user = self.user(username, "teacher", "teacher-pass-1", organisation=group.organisation)
        db.session.add(Membership(group=group, user=user))
        db.session.commit()
        return user


@pytest.fixture
def factory(ctx):
    return Factory()


class Client:
    """A test client that reads CSRF tokens from pages, like a browser would.

    Tests keep an app context open (for factories and checks), and Flask reuses an open app
    context for requests; each request therefore starts with an empty `g`, as in production.
    """

    def __init__(self, flask_client):
        self.http = flask_client

    @staticmethod
    def _fresh_request():
        if has_app_context():
            g.__dict__.clear()

    def get(self, url, **kwargs):
        self._fresh_request()
        return self.http.get(url, **kwargs)

    def post(self, url, **kwargs):
        self._fresh_request()
        return self.http.post(url, **kwargs)

    def token(self, url):
        match = CSRF.search(self.get(url).get_data(as_text=True))
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def post_form(self, url, data, page=None, **kwargs):
        """POST `data` to `url` with the CSRF token from `page` (default: `url`)."""
        token = self.token(page or url)
        return self.post(url, data={"csrf_token": token, **data}, **kwargs)

    def login(self, username, secret):
        return self.post_form("/login", {"username": username, "secret": secret})


@pytest.fixture
def client(app, ctx):
    """A browser that prefers English (tests of other languages say so explicitly)."""
    flask_client = app.test_client()
    flask_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return Client(flask_client)


@pytest.fixture
def client_for():
    """A Client for another app (e.g. fixture_site) or a second browser on the same app."""
    return lambda app: Client(app.test_client())


@pytest.fixture
def as_participant(client, factory):
    """A participant, signed in, in a group."""
    group = factory.group()
    factory.user("amina", group=group)
    response = client.login("amina", "482915")
    assert response.status_code == 302
    return client
