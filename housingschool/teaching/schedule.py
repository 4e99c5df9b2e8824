"""Participants' sessions and calendars, and the group progress table."""

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from housingschool.accounts.models import utcnow
from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.i18n import current_language
from housingschool.teaching import calendar, progress
from housingschool.teaching.access import STAFF, get_group_or_404
from housingschool.teaching.models import Group, GroupSession

bp = Blueprint("schedule", __name__)


def catalogue():
    """The course catalogue loaded at start-up."""
    return current_app.extensions["catalogue"]


@bp.get("/sessions")
@role_required("participant")
def my_sessions():
    """My sessions: what is coming up, the last few sessions, and calendar downloads."""
    args = (current_user, catalogue(), current_language(), utcnow())
    return render_template("teaching/schedule_mine.html",
                           upcoming=progress.upcoming_sessions(*args),
                           past=progress.past_sessions(*args),
                           groups=progress.member_groups(current_user))


@bp.get("/sessions/<int:session_id>.ics")
@login_required
def session_calendar(session_id: int):
    """One session as a calendar file, for its group's members and the staff who manage it."""
    groups = progress.calendar_groups(current_user).with_only_columns(Group.id)
    session = db.first_or_404(db.select(GroupSession).where(
        GroupSession.id == session_id, GroupSession.group_id.in_(groups)))
    day = to_user_timezone(progress.as_utc(session.starts_at)).date().isoformat()
    body = calendar.build_calendar([(session, _describe(session))], session.group.name)
    return _calendar_file(body, f"{session.group.name}-{day}")


@bp.get("/groups/<int:group_id>/calendar.ics")
@login_required
def group_calendar(group_id: int):
    """Every session of a group as one calendar file, for members and managing staff."""
    group = db.first_or_404(progress.calendar_groups(current_user).where(Group.id == group_id))
    events = [(session, _describe(session)) for session in progress.group_sessions(group)]
    return _calendar_file(calendar.build_calendar(events, group.name), group.name)


@bp.get("/teach/groups/<int:group_id>/progress")
@role_required(*STAFF)
def group_progress(group_id: int):
    """The group's progress: lessons and scores, attendance, and who has not been active."""
    group = get_group_or_404(group_id, current_user)
    report = progress.group_progress(group, catalogue(), utcnow())
    return render_template("teaching/progress.html", group=group, report=report,
                           inactive_days=progress.INACTIVE_AFTER.days)


def _describe(session: GroupSession) -> str:
    """What a session covers, as one sentence in the reader's language."""
    titles = [t.title for t in progress.topics(session.lessons, catalogue(), current_language())]
    if not titles:
        return ""
    return _("In this session we talk about: %(topics)s.", topics=", ".join(titles))


def _calendar_file(body: bytes, name: str):
    """A calendar download with a safe file name built from `name`."""
    stem = secure_filename(name).lower().replace("_", "-") or "sessions"
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"boligskolen-{stem}.ics")
    response.headers["Cache-Control"] = "private, no-cache"
    return response
