"""The public page where staff use a one-time code to choose a password."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from housingschool.accounts.services import AccountError, normalise_username, secret_problem
from housingschool.admin import codes
from housingschool.admin.forms import ResetForm
from housingschool.admin.shared import rule_message
from housingschool.extensions import db, limiter


def _code_failed(_response) -> bool:
    """Only wrong codes count towards the limits, not a password that is too short."""
    return g.get("reset_code_failed", False)


def _account_key() -> str:
    return "reset:" + normalise_username(request.form.get("username", ""))


@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], methods=["POST"],
               deduct_when=_code_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_code_failed)
def reset():
    """Choose a new password with the one-time code from a coordinator."""
    form = ResetForm(username=request.args.get("username"))
    if form.validate_on_submit():
        # The password rules first: they say nothing about whether the code is right.
        problem = secret_problem(form.secret.data)
        found = None if problem else codes.find_valid_code(form.username.data, form.code.data)
        if problem:
            form.secret.errors.append(rule_message(AccountError(problem)))
        elif found is None:
            g.reset_code_failed = True
            form.code.errors.append(_(
                "This code does not work. Check the username and the code. A code works "
                "only once and for 7 days: if it is old or used, ask your coordinator for "
                "a new one."))
        else:
            user = codes.redeem(found, form.secret.data)
            db.session.commit()
            flash(_("Your new password is saved. Sign in with it now."), "success")
            return redirect(url_for("accounts.login", username=user.username))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/reset.html", form=form), status
