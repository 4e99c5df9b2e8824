"""Words for the rule codes of admin and account services, and helpers the pages share."""

from flask import make_response, render_template, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from housingschool.accounts.routes import RULE_MESSAGES as ACCOUNT_RULES
from housingschool.accounts.services import AccountError
from housingschool.admin.codes import NewCode
from housingschool.admin.services import AdminError
from housingschool.teaching.qr import qr_svg

RULES = {
    **ACCOUNT_RULES,
    "username_format": _l("Use 3 to 30 small letters (a-z), digits, dots or dashes, no spaces."),
    "username_taken": _l("Someone already has this username. Try another one, for example "
                         "with the last name or a number."),
    "display_name_missing": _l("Write the person's name."),
    "name_missing": _l("Write the organisation's name."),
    "slug_format": _l("Use 2 to 60 small letters (a-z), digits and dashes, no spaces."),
    "slug_taken": _l("Another organisation already has this short name."),
    "language_unknown": _l("Choose one of the languages in the list."),
    "unknown_module": _l("We do not know this module: %(detail)s."),
    "retention_range": _l("Write a number from 1 to 120."),
    "role_not_allowed": _l("Choose teacher or coordinator."),
    "not_yourself": _l("You cannot switch off your own account. Ask another coordinator."),
    "not_teacher": _l("Only teachers are given groups. Coordinators see every group."),
    "unknown_group": _l("We do not know this group: %(detail)s."),
}


def rule_message(error: AdminError | AccountError) -> str:
    """The message for a broken rule, in the user's language."""
    return str(RULES.get(error.code, error.code)) % {"detail": getattr(error, "detail", "")}


def show_code_once(new_code: NewCode, back_url: str, first: bool) -> Response:
    """The page that shows a one-time code; browsers must not keep a copy of it."""
    # The link fills in the username only: the code itself never goes into a URL or a log.
    link = url_for("admin.reset", username=new_code.user.username, _external=True)
    response = make_response(render_template("admin/code.html", new_code=new_code, link=link,
                                              qr=qr_svg(link), back_url=back_url, first=first))
    response.headers["Cache-Control"] = "no-store"
    return response
