"""Signing in and out, and joining a course with a join code."""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from housingschool.accounts import services
from housingschool.accounts.forms import (
    JoinCodeForm,
    LoginForm,
    LoginPicturesForm,
    RegisterForm,
    RegisterPicturesForm,
)
from housingschool.accounts.models import utcnow
from housingschool.accounts.pictures import picture_names
from housingschool.extensions import db, limiter
from housingschool.i18n import current_language
from housingschool.web import safe_next

bp = Blueprint("accounts", __name__)

RULE_MESSAGES = {
    "username_format": _l("Use 3 to 30 small letters (a-z), digits, dots or dashes, no spaces."),
    "username_taken": _l("Someone already has this username. Try another one, for example "
                         "with a number at the end."),
    "pin_short": _l("A PIN needs at least 6 digits."),
    "pin_easy": _l("This PIN is too easy to guess. Choose 6 digits that are not in a row or "
                   "all the same."),
    "password_short": _l("A password needs at least 8 characters. Or use a PIN of 6 digits."),
    "display_name_missing": _l("Write the name your teacher should see."),
    "pictures_missing": _l("Choose a picture in each of the three rows."),
    "pictures_repeated": _l("Choose three different pictures."),
}


def _failed(response) -> bool:
    """Only failed attempts count towards the sign-in and join-code limits."""
    return response.status_code in (401, 422)


def _account_key() -> str:
    return "account:" + services.normalise_username(request.form.get("username", ""))


# Every way of signing in shares one budget of failed tries per account and per address
# (shared limits), so a PIN and a picture password cannot be guessed at twice the rate.
_BY_ADDRESS = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"],
                                   scope="sign-in", methods=["POST"], deduct_when=_failed)
_BY_ACCOUNT = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"],
                                   scope="sign-in-account", key_func=_account_key,
                                   methods=["POST"], deduct_when=_failed)
# A picture password has only 1,320 possibilities: besides the limits above, an account gets
# this many failed picture sign-ins a day (see README "Picture passwords").
_PICTURES_PER_DAY = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PICTURES"], methods=["POST"],
    key_func=_account_key, deduct_when=_failed)


@bp.route("/login", methods=["GET", "POST"])
@_BY_ADDRESS
@_BY_ACCOUNT
def login():
    """Sign in with username and password or PIN."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.home"))
    form = LoginForm(username=request.args.get("username"))  # login cards' QR codes fill it in
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.secret.data)
        if user is None:
            form.secret.errors.append(_("The username or the password/PIN is not right. "
                                        "Check them and try again."))
        return _sign_in(user, form, "accounts/login.html")
    return render_template("accounts/login.html", form=form)


@bp.route("/login/pictures", methods=["GET", "POST"])
@_BY_ADDRESS
@_BY_ACCOUNT
@_PICTURES_PER_DAY
def login_pictures():
    """Sign in with username and a picture password: three pictures, in order."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.home"))
    form = LoginPicturesForm(username=request.args.get("username"))
    if form.validate_on_submit():
        user = services.authenticate_pictures(form.username.data, form.pictures())
        if user is None:
            form.username.errors.append(_("The username or the pictures are not right. "
                                          "Check them and try again."))
            for field in form.picture_fields():
                field.data = None  # like a password, a wrong picture password is not shown again
        return _sign_in(user, form, "accounts/login_pictures.html")
    return render_template("accounts/login_pictures.html", form=form)


def _sign_in(user, form, template: str):
    """Start the session and go on, or show the form again: 401 wrong, 403 switched off."""
    if user is None:
        return render_template(template, form=form), 401
    if not user.is_active:
        form.username.errors.append(_("This account is switched off. Ask your coordinator "
                                      "if you need it again."))
        return render_template(template, form=form), 403
    _start_session(user)
    return redirect(safe_next(request.args.get("next")))


def _start_session(user) -> None:
    """Sign the user in, keeping the language they chose before signing in.

    Larger text switched on before signing in stays on; otherwise the user's own setting holds.
    """
    _new_session()
    login_user(user)
    user.last_seen_at = utcnow()
    if session.get("lang"):
        user.language = session["lang"]
    elif user.language:
        session["lang"] = user.language
    if session.get("large_text"):
        user.large_text = True
    session["large_text"] = user.large_text
    db.session.commit()


def _new_session() -> None:
    """Signing in starts a new session: only the visitor's choices (language, text size) carry
    over, so nothing planted in the session before, such as its CSRF secret, outlives it."""
    kept = {key: session[key] for key in ("lang", "large_text") if key in session}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)  # Flask-WTF's copy of the old token for this request


@bp.post("/logout")
def logout():
    """Sign out and go back to the home page; the text size stays as it was on this phone.

    Sessions are signed cookies, so this also ends the account's other sessions: a cookie
    copied from this phone must not outlive signing out (SECURITY.md)."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("learning.home"))


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_LIMIT_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
def join():
    """Step 1 of joining a course: the join code from the teacher."""
    form = JoinCodeForm(code=request.args.get("code"))
    if form.validate_on_submit():
        group = services.find_open_group(form.code.data)
        if group:
            return redirect(url_for("accounts.register", code=group.join_code))
        form.code.errors.append(_("We do not know this code. Check it with your teacher. "
                                  "Letters and digits must be exactly as on the board."))
        return render_template("accounts/join.html", form=form), 422
    return render_template("accounts/join.html", form=form)


@bp.route("/join/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_LIMIT_ADDRESS"], methods=["POST"])
def register(code: str):
    """Step 2 of joining: make an account in the group this code opens, signing in with a
    password or PIN, or (?kind=pictures) with a picture password."""
    group = services.find_open_group(code)
    if group is None:
        flash(_("We do not know this code. Check it with your teacher."), "error")
        return redirect(url_for("accounts.join"))
    if current_user.is_authenticated:
        flash(_("You are already signed in. Sign out first to make a new account."), "info")
        return redirect(url_for("learning.home"))
    with_pictures = request.args.get("kind") == "pictures"
    form = RegisterPicturesForm() if with_pictures else RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                group.organisation, form.username.data, form.display_name.data, "participant",
                None if with_pictures else form.secret.data,
                pictures=form.pictures() if with_pictures else None,
                language=current_language(), group=group)
        except services.AccountError as error:
            field = form.username if error.code.startswith("username") else (
                form.third if with_pictures else form.secret)
            field.errors.append(RULE_MESSAGES.get(error.code, error.code))
        else:
            _welcome(user, group, form.pictures() if with_pictures else None)
            return redirect(url_for("learning.home"))
    return render_template("accounts/register.html", form=form, group=group,
                           with_pictures=with_pictures)


def _welcome(user, group, pictures) -> None:
    """Sign the new participant in and greet them; repeat their pictures once to remember."""
    user.large_text = bool(session.get("large_text"))
    db.session.commit()
    _new_session()
    login_user(user)
    flash(_("Welcome, %(name)s! You are in the group %(group)s.",
            name=user.display_name, group=group.name), "success")
    if pictures:
        flash(_("Remember your pictures, in this order: %(pictures)s.",
                pictures=", ".join(picture_names(pictures))), "info")


@bp.post("/text-size")
def text_size():
    """Larger text on or off: kept in the session, and on the user when signed in."""
    large = request.form.get("large_text") == "on"
    session["large_text"] = large
    if current_user.is_authenticated:
        current_user.large_text = large
        db.session.commit()
    flash(_("Larger text is on.") if large else _("Larger text is off."), "info")
    return redirect(safe_next(request.form.get("next")))


@bp.app_context_processor
def text_size_globals() -> dict:
    """Whether this page shows larger text (<html class="large-text">)."""
    if not has_request_context():
        return {"large_text": False}
    if current_user.is_authenticated:
        return {"large_text": current_user.large_text}
    return {"large_text": bool(session.get("large_text"))}
