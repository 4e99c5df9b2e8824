"""Settings for development, testing and production.

Every secret and every address comes from the environment. Development generates a secret key
once into instance/ so sessions survive restarts; production refuses to start without one.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver (psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(default_file: str) -> str:
    return normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / default_file}")


def _instance_secret_key() -> str:
    """Read the development secret key from instance/, creating it on first use."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    COURSES_DIR = Path(os.environ.get("COURSES_DIR", BASE_DIR / "courses"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - Werkzeug's memory-hard KDF, not a secret
    WTF_CSRF_TIME_LIMIT = None  # a form left open during a 1.5 hour class must still submit
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = "housingschool"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis goes away, each worker keeps counting on its own rather than letting every
    # sign-in through unlimited or refusing them all (see SECURITY.md).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    # The largest request accepted (forms only: nothing is uploaded). A bigger one gets a 413
    # page; Werkzeug also caps form memory and the number of form parts.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 256 * 1024))
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    MAX_FORM_PARTS = 1000

    # One JSON line per request on stderr (see housingschool/requestlog.py); production only by
    # default, as the development server prints its own lines.
    REQUEST_LOG = os.environ.get("REQUEST_LOG", "0") == "1"
    # Behind nginx (or another proxy), how many proxies set X-Forwarded-For/-Proto. 0 = none.
    # Rate limits count per network address, so this must be right behind a proxy.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Failed sign-ins allowed per account and per network address (see accounts/routes.py).
    # A whole class often shares one address, so the address limit is the looser one.
    LOGIN_LIMIT_ACCOUNT = os.environ.get("LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_ADDRESS = os.environ.get("LOGIN_LIMIT_ADDRESS", "60 per 15 minutes")
    JOIN_LIMIT_ADDRESS = os.environ.get("JOIN_LIMIT_ADDRESS", "30 per 15 minutes")
    # On top of the two above: picture passwords have only 1,320 combinations (see README).
    LOGIN_LIMIT_PICTURES = os.environ.get("LOGIN_LIMIT_PICTURES", "20 per day")
    # Wrong check-in codes allowed per participant: a 4-digit code cannot be guessed this way.
    CHECKIN_LIMIT = os.environ.get("CHECKIN_LIMIT", "10 per 15 minutes")

    # Compression (see housingschool/caching.py): brotli, else gzip. Behind a proxy that
    # compresses, COMPRESS_RESPONSES=0 saves the app the work; left on it is harmless, as a
    # compressed response is never compressed twice.
    COMPRESS_REGISTER = os.environ.get("COMPRESS_RESPONSES", "1") != "0"
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5

    SQLITE_FILE = "housingschool.sqlite3"

    @classmethod
    def init_app(cls, app):
        """Read the environment when the app is made, not when this module is imported."""
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(cls.SQLITE_FILE)
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret_key()


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, generated secret key."""


class TestingConfig(Config):
    """The test suite: DATABASE_URL when set (PostgreSQL in CI), else a throw-away SQLite file."""

    TESTING = True
    SQLITE_FILE = "test.sqlite3"
    RATELIMIT_STORAGE_URI = "memory://"
    # A fast hash keeps tests quick (hundreds of accounts); every other setting uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a method name
    # Smaller limits keep the rate-limit tests quick; the mechanism is the same.
    LOGIN_LIMIT_ADDRESS = "15 per 15 minutes"
    JOIN_LIMIT_ADDRESS = "10 per 15 minutes"

    @classmethod
    def init_app(cls, app):
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(cls.SQLITE_FILE)
        app.config["SECRET_KEY"] = "test-secret-key"  # noqa: S105 - tests only


class ProductionConfig(Config):
    """Production: secrets from the environment only, secure cookies."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    REQUEST_LOG = os.environ.get("REQUEST_LOG", "1") == "1"

    @classmethod
    def init_app(cls, app):
        app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(cls.SQLITE_FILE)
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32 or key in {"change-me", "dev", "secret"}:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production. Make one with:\n"
                "  python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        app.config["SECRET_KEY"] = key
        # Only for measuring a production server on this machine over plain HTTP (bench/):
        # a browser never sends a Secure cookie over http://, so sign-in would not stick.
        if os.environ.get("COOKIE_SECURE") == "0":
            app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = False


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
