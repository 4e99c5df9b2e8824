"""Participants check in to a session with the code on the board."""

import re
import secrets
from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from housingschool.auth import role_required
from housingschool.extensions import db, limiter
from housingschool.teaching import services
from housingschool.teaching.forms import CheckinForm

bp = Blueprint("checkin", __name__)
DEVICE_COOKIE = "device"

MESSAGES = {
    "checkin_wrong_code": _l("This code does not work. Check the numbers on the board and try "
                             "again."),
    "checkin_not_member": _l("This code is for another group. Ask your teacher which group "
                             "you are in."),
    "checkin_closed": _l("Check-in for this session is closed. Tell your teacher you are "
                         "here."),
    "checkin_device_used": _l("Someone else has already checked in on this phone. Each person "
                              "checks in on their own phone. Tell your teacher you are here."),
}


def _failed(response) -> bool:
    return response.status_code == 422


def _device_id() -> str:
    """This phone's id from its cookie, or a new one when the cookie is missing or was not made
    here (anything else would go into a 64-character column and a database query)."""
    device = request.cookies.get(DEVICE_COOKIE, "")
    return device if re.fullmatch(r"[0-9a-f]{32}", device) else secrets.token_hex(16)


@bp.route("/checkin", methods=["GET", "POST"])
@role_required("participant")
@limiter.limit(lambda: current_app.config["CHECKIN_LIMIT"], methods=["POST"],
               key_func=lambda: f"checkin:{current_user.id}", deduct_when=_failed)
def check_in():
    """Enter the session's code (or open the QR link) to be marked present."""
    form = CheckinForm(code=request.args.get("code"))
    if form.validate_on_submit():
        device = _device_id()
        try:
            session = services.check_in(current_user, form.code.data, device, datetime.now(UTC))
        except services.TeachingError as error:
            form.code.errors.append(MESSAGES[error.code])
            return render_template("teaching/checkin.html", form=form), 422
        db.session.commit()
        flash(_("You are checked in. Welcome to %(group)s!", group=session.group.name),
              "success")
        response = make_response(redirect(url_for("schedule.my_sessions")))
        response.set_cookie(DEVICE_COOKIE, device, max_age=3 * 365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE",
                                                                          False))
        return response
    return render_template("teaching/checkin.html", form=form)
