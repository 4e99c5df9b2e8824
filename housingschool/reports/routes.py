"""Coordinators' reports: the overview, a group, a participant, completion and hours exports.

Every view of a participant's details and every export is written to the audit log.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from housingschool.accounts.models import utcnow
from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.i18n import current_language
from housingschool.i18n import language as language_info
from housingschool.inputs import database_id, parse_day
from housingschool.reports import charts
from housingschool.reports.audit import record
from housingschool.reports.completion import completion_table
from housingschool.reports.drilldown import (
    get_participant_or_404,
    group_report,
    participant_report,
)
from housingschool.reports.export import to_csv, to_xlsx
from housingschool.reports.overview import overview as overview_numbers
from housingschool.reports.queries import hours_report
from housingschool.teaching.access import get_group_or_404, managed_groups
from housingschool.teaching.models import Group
from housingschool.teaching.progress import INACTIVE_AFTER

bp = Blueprint("reports", __name__, url_prefix="/reports")
OSLO = ZoneInfo("Europe/Oslo")
CHART_GROUPS = 20  # more bars than this do not fit on a phone; the table has every group
INACTIVE_DAYS = INACTIVE_AFTER.days
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
        return parse_day(text), text
    except ValueError:
        return None, text


def catalogue():
    """The course catalogue loaded at start-up."""
    return current_app.extensions["catalogue"]


def _range_error(start: date | None, end: date | None) -> str | None:
    """What is wrong with a date range as typed, in words (None if nothing)."""
    if start is None or end is None:
        return _("Write the dates as year-month-day, for example 2027-01-31.")
    if end < start:
        return _("The last day is before the first day.")
    return None


@bp.get("/")
@role_required("coordinator", "admin")
def overview():
    """The organisation at a glance for a date range: activity, completion and attendance."""
    today = datetime.now(OSLO).date()
    start, start_text = _day("start", today - timedelta(days=89))
    end, end_text = _day("end", today)
    error = _range_error(start, end)
    data = None if error else overview_numbers(
        current_user.organisation_id, catalogue(), _midnight(start),
        _midnight(end + timedelta(days=1)), utcnow())
    page = render_template(
        "reports/overview.html", data=data, error=error, start=start_text, end=end_text,
        charts=_overview_charts(data) if data else {}, chart_groups=CHART_GROUPS,
        inactive_days=INACTIVE_DAYS, titles=_titles(current_language()))
    return page, 422 if error else 200


@bp.get("/groups/<int:group_id>")
@role_required("coordinator", "admin")
def group(group_id: int):
    """One group: each participant's lessons, modules, activity, attendance, and follow-up."""
    report = group_report(get_group_or_404(group_id, current_user), catalogue(), utcnow())
    page = render_template("reports/group.html", report=report, inactive_days=INACTIVE_DAYS,
                           titles=_titles(current_language()))
    record("view.group", group=group_id, rows=len(report.progress.rows))
    return _committed(page)


@bp.get("/participants/<int:user_id>")
@role_required("coordinator", "admin")
def participant(user_id: int):
    """One participant: every lesson, every session, hours, and why to follow up (logged)."""
    user = get_participant_or_404(user_id, current_user.organisation_id)
    report = participant_report(user, catalogue(), utcnow())
    page = render_template("reports/participant.html", report=report,
                           inactive_days=INACTIVE_DAYS, titles=_titles(current_language()))
    record("view.participant", subject=user)
    return _committed(page)


@bp.get("/completion")
@role_required("coordinator", "admin")
def completion():
    """Which participant completed which module when: a page explaining it, CSV and XLSX."""
    group_id = request.args.get("group", type=database_id)
    chosen = get_group_or_404(group_id, current_user) if group_id else None
    fmt = request.args.get("format")
    if fmt in FILE_TYPES:
        rows = completion_table(current_user.organisation_id, catalogue(), group_id)
        download = _completion_file(fmt, rows, chosen)
        record(f"export.completion.{fmt}", group=group_id, rows=len(rows))
        return _committed(download)
    groups = db.session.scalars(managed_groups(current_user).order_by(Group.name)).all()
    titles = _titles("nb")  # the file's column names are in Norwegian, as in the hours report
    return render_template("reports/completion.html", group=chosen, groups=groups,
                           modules=[titles[m.slug] for m in catalogue().modules])


@bp.get("/hours")
@role_required("coordinator", "admin")
def hours():
    """Attendance hours per participant in a date range: page, CSV or XLSX."""
    today = datetime.now(OSLO).date()
    start, start_text = _day("start", today.replace(day=1))
    end, end_text = _day("end", today)
    group_id = request.args.get("group", type=database_id)
    group = get_group_or_404(group_id, current_user) if group_id else None
    error = _range_error(start, end)
    rows = [] if error else hours_report(
        current_user.organisation_id, _midnight(start), _midnight(end + timedelta(days=1)),
        group.id if group else None)
    fmt = request.args.get("format")
    if fmt in FILE_TYPES and not error:
        response = _download(fmt, rows, start_text, end_text)
    else:
        groups = db.session.scalars(managed_groups(current_user).order_by(Group.name)).all()
        response = render_template(
            "reports/hours.html", rows=rows, modules=_modules(rows), error=error,
            start=start_text, end=end_text, group=group, groups=groups), 422 if error else 200
    _log(f"export.hours.{fmt}" if fmt in FILE_TYPES else "view.hours", start_text, end_text,
         group, len(rows))
    return _committed(response)


def _committed(response):
    """Commit the audit event, then answer.

    The page or file is made before the commit: a commit expires every loaded row, and
    reading a name afterwards would cost one statement per participant.
    """
    db.session.commit()
    return response


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
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})  # personal data


def _titles(language: str) -> dict[str, str]:
    """Module and lesson titles by slug and lesson key, in `language` (or the default)."""
    titles = {}
    for module in catalogue().modules:
        titles[module.slug] = module.text(language).text.title
        for lesson in module.lessons:
            titles[lesson.key] = lesson.text(language).text.title
    return titles


def _percent(value: float | None) -> str:
    return format_percent(value) if value is not None else _("No data")


def _overview_charts(data) -> dict[str, tuple[str, str]]:
    """The overview's three charts as (title, svg); per group, the 20 lowest rates at most."""
    rtl = language_info(current_language()).rtl
    titles = _titles(current_language())
    same = _("The table below the chart has the same numbers.")
    title = _("Share of participants who completed each module")
    chart = {"modules": (title, charts.bar_chart(
        [charts.Bar(titles[m.slug], m.rate, _percent(m.rate)) for m in data.modules],
        chart_id="chart-modules", title=title, rtl=rtl, description=same))}
    same = _("The table of groups below the charts has the same numbers.")
    for key, title, rate in [
            ("completion", _("Share of modules completed, per group"), "completion_rate"),
            ("attendance", _("Attendance rate per group"), "attendance_rate")]:
        lowest = sorted(data.groups, key=lambda g, r=rate: (getattr(g, r) is None,
                                                             getattr(g, r) or 0, g.name))
        bars = [charts.Bar(g.name, getattr(g, rate), _percent(getattr(g, rate)))
                for g in lowest[:CHART_GROUPS]]
        chart[key] = (title, charts.bar_chart(bars, chart_id=f"chart-{key}", title=title,
                                              rtl=rtl, description=same))
    return chart


def _completion_file(fmt: str, rows, group) -> Response:
    """The completion export: one row per participant, one column per module (Oslo dates)."""
    titles, slugs = _titles("nb"), [module.slug for module in catalogue().modules]
    header = [_("Name"), _("Username"), _("Groups"), _("Modules completed")] + [
        titles[slug] for slug in slugs]
    table = [[row.user.display_name, row.user.username, ", ".join(row.groups), row.modules_done]
             + [_oslo_day(row.completed.get(slug)) for slug in slugs] for row in rows]
    body = to_csv(header, table) if fmt == "csv" else to_xlsx(_("Completion"), header, table)
    today = datetime.now(OSLO).date().isoformat()
    name = f"boligskolen-completion-{group.id if group else 'all'}-{today}.{fmt}"
    return Response(body, mimetype=FILE_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})  # personal data


def _oslo_day(moment: datetime | None) -> date | None:
    """The date in Norway of a UTC moment (SQLite returns it without a zone)."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(OSLO).date()
