"""The admin's audit log page: who looked at or downloaded whose data, and when."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import gettext as _

from housingschool.admin import audit_log
from housingschool.auth import role_required
from housingschool.inputs import database_id, parse_day, without_nul

OSLO = ZoneInfo("Europe/Oslo")


def _day(name: str) -> tuple[date | None, str, bool]:
    """(date or None, what was typed, whether it was a valid date or empty)."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return None, "", True
    try:
        return parse_day(text), text, True
    except ValueError:
        return None, text, False


@role_required("admin")
def audit():
    """The audit log, newest first, 50 a page, filtered by organisation, action and dates."""
    first, first_text, first_ok = _day("start")
    last, last_text, last_ok = _day("end")
    error = None
    if not (first_ok and last_ok):
        error = _("Write the dates as year-month-day, for example 2027-01-31.")
    elif first and last and last < first:
        error = _("The last day is before the first day.")
    since, until = audit_log.day_bounds(first, last, OSLO) if not error else (None, None)
    filters = audit_log.Filters(request.args.get("organisation", type=database_id),
                                without_nul(request.args.get("action")) or None, since, until)
    page = request.args.get("page", 1, type=database_id)
    entries, more = ([], False) if error else audit_log.events_page(filters, page)
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "admin/audit.html", entries=entries, more=more, page=page, error=error,
        filters=filters, start=first_text, end=last_text, query=query,
        organisations=audit_log.organisation_choices(), actions=audit_log.action_choices(),
    ), 422 if error else 200
