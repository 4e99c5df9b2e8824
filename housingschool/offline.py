"""Reading without internet: the service worker, the web app manifest and what they need.

- `/sw.js` is static/sw.js with a short header naming the files to keep at install and a
  version that changes whenever one of them does (so phones pick up a new shell).
- `/offline` is the page the service worker shows for a page it has not kept, in the language
  the participant reads; `/offline/texts.json` holds the few sentences offline.js shows.
- `/offline/token` gives offline.js a fresh CSRF token when it sends quiz answers kept on the
  phone: the token in a page kept for days may belong to an earlier sign-in.
"""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from housingschool import i18n
from housingschool.auth import is_participant

bp = Blueprint("offline", __name__)

THEME_COLOUR = "#1d5e8c"  # --brand in site.css
BACKGROUND_COLOUR = "#ffffff"  # --paper in site.css
SHELL_FILES = ("css/site.css", "js/offline.js", "js/download.js", "img/favicon.svg")


@bp.get("/sw.js")
def service_worker():
    """The service worker, for the whole site (scope /); phones check it for updates often."""
    body = current_app.extensions.get("offline_sw")
    if body is None or current_app.debug:  # the files change only with a deploy
        body = current_app.extensions["offline_sw"] = _service_worker_source()
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    return response.make_conditional(request)


def _service_worker_source() -> str:
    """static/sw.js after a header with its version and the shell to keep at install."""
    static = Path(current_app.static_folder)
    shell = [url_for("static", filename=name) for name in SHELL_FILES]
    shell += [url_for("offline.offline_page"), url_for("offline.texts")]
    source = (static / "sw.js").read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode())
    for name in SHELL_FILES:
        digest.update((static / name).read_bytes())
    digest.update(json.dumps(shell).encode())
    header = (f"var VERSION = {json.dumps(digest.hexdigest()[:12])};\n"
              f"var SHELL = {json.dumps(shell)};\n"
              f"var QUEUE_SCRIPT = {json.dumps(shell[1])};\n")
    return header + source


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: Boligskolen on the home screen, in the reader's language."""
    lang = i18n.language(i18n.current_language())

    def icon(name, size, purpose="any", kind="image/png"):
        return {"src": url_for("static", filename=f"img/{name}"), "sizes": size,
                "type": kind, "purpose": purpose}

    data = {
        "id": "/",
        "name": "Boligskolen",
        "short_name": "Boligskolen",
        "description": _("Boligskolen helps you find, keep and enjoy your home."),
        "lang": lang.code,
        "dir": "rtl" if lang.rtl else "ltr",
        "start_url": url_for("learning.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [
            icon("icon-192.png", "192x192"),
            icon("icon-512.png", "512x512"),
            icon("icon-maskable-512.png", "512x512", "maskable"),
            icon("favicon.svg", "any", kind="image/svg+xml"),
        ],
    }
    response = current_app.response_class(json.dumps(data, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.get("/offline")
def offline_page():
    """"You are offline": shown by the service worker for a page this phone has not kept."""
    return render_template("offline/offline.html")


@bp.get("/offline/texts.json")
def texts():
    """What offline.js tells the participant about quiz answers kept on the phone."""
    response = jsonify(
        lang=i18n.current_language(),
        saved=_("Your answers are saved on this phone. They will be sent when you are online."),
        waiting=_("Quiz answers waiting to be sent: %(count)s", count="{count}"),
        sent=_("Your saved quiz answers have been sent."),
        signIn=_("Sign in to send the quiz answers saved on this phone."),
        notSaved=_("You are offline. Your answers can be checked when you are online again."),
        answerAll=_("Choose an answer."),
        result=_("See your result"),
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/offline/token")
def token():
    """A fresh CSRF token for sending saved quiz answers, and whose answers they may be."""
    if not is_participant():
        response = jsonify(error="not signed in as a participant")
        response.status_code = 403
    else:
        response = jsonify(csrf_token=generate_csrf(), user=current_user.id)
    response.headers["Cache-Control"] = "no-store"
    return response
