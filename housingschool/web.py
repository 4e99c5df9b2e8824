"""What every response shares: security headers, the language, error pages, /healthz."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from housingschool import i18n
from housingschool.extensions import db

bp = Blueprint("web", __name__)

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


@bp.before_app_request
def remember_language_choice() -> None:
    """?lang=xx on any page switches the language and remembers it (on the user too)."""
    code = i18n.normalise(request.args.get("lang"))
    if not code:
        return
    session["lang"] = code
    if current_user.is_authenticated and current_user.language != code:
        current_user.language = code
        db.session.commit()


@bp.after_app_request
def security_headers(response):
    """Security headers on every response; the CSP needs no inline code."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


@bp.app_context_processor
def template_globals() -> dict:
    """The language and direction every page needs for <html lang dir>."""
    lang = i18n.language(i18n.current_language())
    return {"lang": lang, "languages": i18n.LANGUAGES}


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers and monitoring."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/language")
def choose_language():
    """The language picker: every language in its own script."""
    target = safe_next(request.args.get("next"))
    links = [(lang, with_language(target, lang.code)) for lang in i18n.LANGUAGES]
    return render_template("language.html", links=links)


def with_language(target: str, code: str) -> str:
    """`target` with its ?lang= set to `code` (replacing any earlier choice)."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", code)]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def safe_next(target: str | None) -> str:
    """Only follow links back into this site: a path, never anything a browser could read as
    another host (`//`, `/\\`, or those hidden by a tab, newline or other control character,
    which browsers drop)."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return "/"
    return target


ERROR_TEXTS = {
    400: (_l("Something went wrong with the form"),
          _l("Please go back, reload the page and try again.")),
    403: (_l("This page is not for your account"),
          _l("You are signed in, but this page belongs to someone else's role or group.")),
    404: (_l("We could not find this page"),
          _l("The link may be old or mistyped. Start again from the home page.")),
    405: (_l("We could not find this page"),
          _l("The link may be old or mistyped. Start again from the home page.")),
    413: (_l("That was too much to send at once"),
          _l("Please make the text shorter and try again.")),
    429: (_l("Too many tries"),
          _l("For your safety we paused sign-in for a few minutes. Wait 15 minutes and try "
             "again, or ask your teacher to give you a new password or PIN.")),
    500: (_l("Something went wrong on our side"),
          _l("It is not your fault. Please try again in a minute.")),
}


SIGN_IN_FORMS = {"accounts.login", "accounts.login_pictures"}


def csrf_error(error):
    """A sign-in form sent again by someone it already signed in (the phone lost the answer,
    then sent the form again with the token of the session before): take them home, signed
    in, rather than to "Something went wrong with the form". Every other form: the 400 page."""
    if request.endpoint in SIGN_IN_FORMS and current_user.is_authenticated:
        return redirect(url_for("learning.home"))
    return render_error(error)


def render_error(error):
    """A plain, kind error page in the visitor's language."""
    code = getattr(error, "code", 500) or 500
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("error.html", title=title, text=text, code=code), code
