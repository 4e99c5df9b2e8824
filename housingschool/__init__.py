"""Boligskolen: a housing school for people moving into their first home in Norway."""

import os

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, INSTANCE_DIR
from housingschool import caching, i18n, requestlog
from housingschool.content.loader import load_catalogue
from housingschool.extensions import babel, csrf, db, limiter, login_manager, migrate
from housingschool.inputs import DatabaseIdConverter


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: settings, extensions, the validated course catalogue, blueprints, CLI.

    Refuses to start (ContentError) if the course content has any problem.
    """
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    # <int:id> in every route: an id bigger than the database's integers is a 404, not a 500.
    app.url_map.converters["int"] = DatabaseIdConverter
    config = CONFIGS[config_name or os.environ.get("HOUSINGSCHOOL_CONFIG", "development")]
    app.config.from_object(config)
    config.init_app(app)
    app.config.update(overrides)
    if app.config["PROXY_COUNT"]:
        # Behind nginx: the visitor's address and https come from X-Forwarded-For/-Proto.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"])

    register_extensions(app)
    app.extensions["catalogue"] = load_catalogue(app.config["COURSES_DIR"])
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    requestlog.init_app(app)  # first: it times the whole request and logs what was sent
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    babel.init_app(app, locale_selector=i18n.babel_locale,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    csrf.init_app(app)
    limiter.init_app(app)
    caching.init_app(app)  # after the others: it compresses what they produced
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(connection, _record) -> None:
    """SQLite: enforce foreign keys, and use WAL so readers never wait for a writer."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from housingschool import offline, web
    from housingschool.accounts.routes import bp as accounts
    from housingschool.admin.routes import bp as admin
    from housingschool.certificates.routes import bp as certificates
    from housingschool.learning.routes import bp as learning
    from housingschool.privacy.routes import bp as privacy
    from housingschool.reports.routes import bp as reports
    from housingschool.teaching.checkin import bp as checkin
    from housingschool.teaching.live import bp as live
    from housingschool.teaching.routes import bp as teaching
    from housingschool.teaching.schedule import bp as schedule

    for blueprint in (web.bp, accounts, learning, teaching, schedule, live, checkin, reports,
                      certificates, privacy, admin, offline.bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from housingschool.web import csrf_error, render_error

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, csrf_error)

    @app.errorhandler(HTTPException)
    def _http_error(error):
        return render_error(error)


def register_cli(app: Flask) -> None:
    from housingschool.accounts.cli import users
    from housingschool.backup import backup
    from housingschool.demo import demo
    from housingschool.learning.cli import learning

    app.cli.add_command(users)
    app.cli.add_command(backup)
    app.cli.add_command(demo)
    app.cli.add_command(learning)
