"""Signing in and out, and joining a course with a join code."""

from flask import (
    Blueprint,
    current_app,
    flash,
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
from housingschool.accounts.forms import JoinCodeForm, LoginForm, RegisterForm
from housingschool.accounts.models import utcnow
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
}


def _failed(response) -> bool:
    """Only failed attempts count towards the sign-in and join-code limits."""
    return response.status_code in (401, 422)


def _account_key() -> str:
    return "account:" + services.normalise_username(request.form.get("username", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    """Sign in with username and password or PIN."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.home"))
    form = LoginForm(username=request.args.get("username"))  # login cards' QR codes fill it in
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.secret.data)
        if user and not user.is_active:
            form.username.errors.append(_("This account is switched off. Ask your coordinator "
                                          "if you need it again."))
            return render_template("accounts/login.html", form=form), 403
        if user:
            _start_session(user)
            return redirect(safe_next(request.args.get("next")))
        form.secret.errors.append(_("The username or the password/PIN is not right. "
                                    "Check them and try again."))
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form)


def _start_session(user) -> None:
    """Sign the user in, keeping the language they chose before signing in."""
    login_user(user)
    user.last_seen_at = utcnow()
    if session.get("lang"):
        user.language = session["lang"]
    elif user.language:
        session["lang"] = user.language
    db.session.commit()


@bp.post("/logout")
def logout():
    """Sign out and go back to the home page."""
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
    """Step 2 of joining: make an account in the group this code opens."""
    group = services.find_open_group(code)
    if group is None:
        flash(_("We do not know this code. Check it with your teacher."), "error")
        return redirect(url_for("accounts.join"))
    if current_user.is_authenticated:
        flash(_("You are already signed in. Sign out first to make a new account."), "info")
        return redirect(url_for("learning.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(group.organisation, form.username.data,
                                        form.display_name.data, "participant", form.secret.data,
                                        language=current_language(), group=group)
        except services.AccountError as error:
            field = form.username if error.code.startswith("username") else form.secret
            field.errors.append(RULE_MESSAGES.get(error.code, error.code))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s! You are in the group %(group)s.",
                    name=user.display_name, group=group.name), "success")
            return redirect(url_for("learning.home"))
    return render_template("accounts/register.html", form=form, group=group)
