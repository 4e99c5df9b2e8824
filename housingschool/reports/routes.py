"""Coordinators' reports: attendance hours for caseworkers, as a page, CSV and XLSX."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.reports.audit import record
from housingschool.reports.export import to_csv, to_xlsx
from housingschool.reports.queries import hours_report
from housingschool.teaching.access import get_group_or_404, managed_groups
from housingschool.teaching.models import Group

bp = Blueprint("reports", __name__, url_prefix="/reports")
OSLO = ZoneInfo("Europe/Oslo")
FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _day(name: str, default: date) -> tuple[date | None, str]:
    """A date from the query string (None if it is not one), and the text as typed."""
    text = request.args.get(name, "").strip()
    if not text:
        return default, default.isoformat()
    try:
        return date.fromisoformat(text), text
    except ValueError:
        return None, text


@bp.get("/hours")
@role_required("coordinator", "admin")
def hours():
    """Attendance hours per participant in a date range: page, CSV or XLSX."""
    today = datetime.now(OSLO).date()
    start, start_text = _day("start", today.replace(day=1))
    end, end_text = _day("end", today)
    group_id = request.args.get("group", type=int)
    group = get_group_or_404(group_id, current_user) if group_id else None
    error = None
    if start is None or end is None:
        error = _("Write the dates as year-month-day, for example 2027-01-31.")
    elif end < start:
        error = _("The last day is before the first day.")
    rows = [] if error else hours_report(
        current_user.organisation_id, _midnight(start), _midnight(end + timedelta(days=1)),
        group.id if group else None)
    fmt = request.args.get("format")
    _log(f"export.hours.{fmt}" if fmt in FILE_TYPES else "view.hours", start_text, end_text,
         group, len(rows))
    db.session.commit()
    if fmt in FILE_TYPES and not error:
        return _download(fmt, rows, start_text, end_text)
    groups = db.session.scalars(managed_groups(current_user).order_by(Group.name)).all()
    return render_template("reports/hours.html", rows=rows, modules=_modules(rows), error=error,
                           start=start_text, end=end_text, group=group, groups=groups), (
        422 if error else 200)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=OSLO).astimezone(UTC)


def _modules(rows) -> list[tuple[str, str]]:
    """(slug, title) of the modules that appear in the rows, in course order."""
    used = {slug for row in rows for slug in row.minutes_by_module}
    catalogue = current_app.extensions["catalogue"]
    found = [(m.slug, m.text("nb").text.title) for m in catalogue.modules if m.slug in used]
    return found + ([("other", _("Other"))] if "other" in used else [])


def _log(action: str, start: str, end: str, group, count: int) -> None:
    """Who looked at or exported whose attendance: kept for the audit log."""
    record(action, start=start, end=end, rows=count, group=group.id if group else None)


def _download(fmt: str, rows, start: str, end: str) -> Response:
    modules = _modules(rows)
    header = [_("Name"), _("Username"), _("Groups"), _("Sessions"), _("Attended"),
              _("Minutes"), _("Hours")] + [f"{_('Hours')}: {title}" for _slug, title in modules]
    table = [[row.user.display_name, row.user.username, ", ".join(row.groups), row.sessions,
              row.attended, row.minutes, row.hours]
             + [round(row.minutes_by_module.get(slug, 0) / 60, 2) for slug, _t in modules]
             for row in rows]
    body = to_csv(header, table) if fmt == "csv" else to_xlsx(_("Hours"), header, table)
    name = f"boligskolen-hours-{start}-{end}.{fmt}"
    return Response(body, mimetype=FILE_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
