"""Teachers' pages: groups, participants, sessions, attendance and check-in."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from housingschool.accounts.models import User
from housingschool.accounts.pictures import KIND as PICTURES_KIND
from housingschool.accounts.pictures import picture_names
from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.inputs import database_id
from housingschool.privacy.services import open_requests_count
from housingschool.teaching import services
from housingschool.teaching.access import (
    STAFF,
    get_group_or_404,
    get_session_or_404,
    group_participants,
    managed_groups,
)
from housingschool.teaching.forms import GroupForm, ParticipantsForm, SessionForm
from housingschool.teaching.models import ATTENDANCE_STATUSES, Group, Membership
from housingschool.teaching.qr import qr_svg

bp = Blueprint("teaching", __name__, url_prefix="/teach")
OSLO = ZoneInfo("Europe/Oslo")

RULES = {
    "dates_order": _l("The last day is before the first day."),
    "group_name_taken": _l("Your organisation already has a group with this name."),
    "names_empty": _l("Write at least one name, one per line."),
    "names_duplicate": _l("These names appear more than once: %(detail)s. Write them so that "
                          "you can tell the people apart, for example Amina H. and Amina S."),
    "name_too_long": _l("A name can have at most 60 characters."),
    "move_target": _l("Choose another group of your organisation."),
    "not_member": _l("This person is not in the group."),
    "end_before_start": _l("The session must end after it starts."),
    "unknown_lesson": _l("We do not know this module or lesson: %(detail)s."),
}


def rule_message(error: services.TeachingError) -> str:
    return str(RULES.get(error.code, error.code)) % {"detail": error.detail}


def catalogue():
    return current_app.extensions["catalogue"]


@bp.get("/")
@role_required(*STAFF)
def dashboard():
    """My groups: the groups I teach (coordinators: every group of the organisation)."""
    groups = db.session.scalars(managed_groups(current_user).order_by(
        Group.archived, Group.name)).all()
    requests = (open_requests_count(current_user.organisation_id)
                if current_user.role in ("coordinator", "admin") else 0)
    return render_template("teaching/dashboard.html", groups=groups, deletion_requests=requests)


@bp.route("/groups/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_group():
    """Create a group."""
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(current_user, form.name.data, form.languages.data,
                                          form.starts_on.data, form.ends_on.data)
        except services.TeachingError as error:
            target = form.ends_on if error.code == "dates_order" else form.name
            target.errors.append(rule_message(error))
        else:
            db.session.commit()
            flash(_("The group %(name)s is ready. Give the participants the join code.",
                    name=group.name), "success")
            return redirect(url_for("teaching.group", group_id=group.id))
    return render_template("teaching/group_form.html", form=form)


@bp.get("/groups/<int:group_id>")
@role_required(*STAFF)
def group(group_id: int):
    """A group: join code, participants and sessions."""
    group = get_group_or_404(group_id, current_user)
    upcoming, past = services.sessions_of(group, datetime.now(UTC))
    others = db.session.scalars(managed_groups(current_user).where(
        Group.id != group.id, Group.archived.is_(False)).order_by(Group.name)).all()
    return render_template("teaching/group.html", group=group, upcoming=upcoming, past=past,
                           participants=group_participants(group), other_groups=others)


@bp.get("/groups/<int:group_id>/join-sheet")
@role_required(*STAFF)
def join_sheet(group_id: int):
    """A printable sheet with the join code and a QR code to the join page."""
    group = get_group_or_404(group_id, current_user)
    link = url_for("accounts.join", code=group.join_code, _external=True)
    return render_template("teaching/join_sheet.html", group=group, link=link, qr=qr_svg(link))


@bp.route("/groups/<int:group_id>/participants/add", methods=["GET", "POST"])
@role_required(*STAFF)
def add_participants(group_id: int):
    """Add participants from a pasted list; shows their login cards once."""
    group = get_group_or_404(group_id, current_user)
    form = ParticipantsForm()
    if form.validate_on_submit():
        try:
            created = services.add_participants(group, services.parse_names(form.names.data))
        except services.TeachingError as error:
            form.names.errors.append(rule_message(error))
        else:
            db.session.commit()
            return render_template("teaching/login_cards.html", group=group,
                                   cards=_cards(created))
    return render_template("teaching/participants_form.html", group=group, form=form)


def _cards(created):
    """Login card data: name, username, PIN (or the pictures, in order, with their names)
    and a QR code for the sign-in page that fits."""
    cards = []
    for user, secret in created:
        if user.secret_kind == PICTURES_KIND:
            link = url_for("accounts.login_pictures", username=user.username, _external=True)
            card = {"pin": None, "pictures": list(zip(secret, picture_names(secret),
                                                      strict=True))}
        else:
            link = url_for("accounts.login", username=user.username, _external=True)
            card = {"pin": secret, "pictures": None}
        cards.append({"user": user, "qr": qr_svg(link), **card})
    return cards


def _participant_or_404(group: Group, user_id: int) -> User:
    user = db.session.scalar(sa.select(User).join(Membership, Membership.user_id == User.id)
                             .where(Membership.group_id == group.id, User.id == user_id,
                                    User.role == "participant"))
    if user is None:
        abort(404)
    return user


@bp.post("/groups/<int:group_id>/participants/<int:user_id>/reset-pin")
@role_required(*STAFF)
def reset_pin(group_id: int, user_id: int):
    """Give a participant a new PIN and show their login card once."""
    group = get_group_or_404(group_id, current_user)
    user = _participant_or_404(group, user_id)
    pin = services.reset_pin(user)
    db.session.commit()
    return render_template("teaching/login_cards.html", group=group,
                           cards=_cards([(user, pin)]))


@bp.post("/groups/<int:group_id>/participants/<int:user_id>/new-pictures")
@role_required(*STAFF)
def reset_pictures(group_id: int, user_id: int):
    """Give a participant a new picture password and show their login card once."""
    group = get_group_or_404(group_id, current_user)
    user = _participant_or_404(group, user_id)
    choice = services.reset_pictures(user)
    db.session.commit()
    return render_template("teaching/login_cards.html", group=group,
                           cards=_cards([(user, choice)]))


@bp.post("/groups/<int:group_id>/participants/<int:user_id>/move")
@role_required(*STAFF)
def move_participant(group_id: int, user_id: int):
    """Move a participant to another group the teacher manages."""
    group = get_group_or_404(group_id, current_user)
    user = _participant_or_404(group, user_id)
    target_id = request.form.get("target", type=database_id)
    if target_id is None:
        abort(400)
    target = get_group_or_404(target_id, current_user)
    try:
        services.move_participant(user, group, target)
    except services.TeachingError as error:
        flash(rule_message(error), "error")
        return redirect(url_for("teaching.group", group_id=group.id))
    db.session.commit()
    flash(_("%(name)s is now in %(group)s.", name=user.display_name, group=target.name),
          "success")
    return redirect(url_for("teaching.group", group_id=group.id))


@bp.post("/groups/<int:group_id>/archive")
@role_required(*STAFF)
def archive_group(group_id: int):
    """Archive a group: the join code stops working, the records stay."""
    group = get_group_or_404(group_id, current_user)
    services.archive_group(group)
    db.session.commit()
    flash(_("The group is archived. Its join code no longer works."), "info")
    return redirect(url_for("teaching.dashboard"))


def _session_form(form: SessionForm) -> SessionForm:
    form.lessons.choices = [
        SelectChoice(key, label) for module in catalogue().modules
        for key, label in [(module.slug, module.text("nb").text.title)] + [
            (f"{module.slug}/{lesson.slug}", "– " + lesson.text("nb").text.title)
            for lesson in module.lessons]]
    return form


def _at(day, clock: time) -> datetime:
    """A local (Oslo) date and time as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=OSLO).astimezone(UTC)


@bp.route("/groups/<int:group_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def plan_session(group_id: int | None = None, session_id: int | None = None):
    """Plan a new session, or change one."""
    session = get_session_or_404(session_id, current_user) if session_id else None
    group = session.group if session else get_group_or_404(group_id, current_user)
    form = _session_form(SessionForm(obj=_form_values(session) if session else None))
    if form.validate_on_submit():
        try:
            session = services.plan_session(
                group, _at(form.day.data, form.start.data), _at(form.day.data, form.end.data),
                form.place.data, form.lessons.data, form.interpreter_languages.data,
                form.notes.data, catalogue(), session)
        except services.TeachingError as error:
            field = form.end if error.code == "end_before_start" else form.lessons
            field.errors.append(rule_message(error))
        else:
            db.session.commit()
            flash(_("The session is saved."), "success")
            return redirect(url_for("teaching.session", session_id=session.id))
    return render_template("teaching/session_form.html", group=group, form=form, session=session)


def _form_values(session):
    """The form's starting values for an existing session, in Oslo time."""
    start, end = session.starts_at.astimezone(OSLO), session.ends_at.astimezone(OSLO)

    class Values:
        day, place, notes = start.date(), session.place, session.notes
        lessons, interpreter_languages = session.lessons, session.interpreter_languages

    Values.start, Values.end = start.time(), end.time()
    return Values


@bp.get("/sessions/<int:session_id>")
@role_required(*STAFF)
def session(session_id: int):
    """A session: attendance, one tap per participant, and self check-in."""
    session = get_session_or_404(session_id, current_user)
    return render_template(
        "teaching/session.html", session=session, group=session.group,
        participants=group_participants(session.group),
        rows=services.attendance_rows(session), statuses=ATTENDANCE_STATUSES,
        history=services.attendance_history(session),
        checkin_open=services.checkin_is_open(session, datetime.now(UTC)))


@bp.post("/sessions/<int:session_id>/attendance/<int:user_id>")
@role_required(*STAFF)
def mark(session_id: int, user_id: int):
    """Save one participant's attendance (one tap: the status button)."""
    session = get_session_or_404(session_id, current_user)
    user = _participant_or_404(session.group, user_id)
    status = request.form.get("status")
    if status not in ATTENDANCE_STATUSES:
        abort(400)
    minutes = request.form.get("minutes", "").strip()
    changed = minutes.isdecimal() and status == "late" and (  # int() refuses "²"
        int(minutes) != services.default_minutes(session, "present"))
    services.mark_attendance(session, user, status, int(minutes) if changed else None,
                             by=current_user)
    db.session.commit()
    return redirect(url_for("teaching.session", session_id=session.id) + f"#p-{user.id}")


@bp.get("/sessions/<int:session_id>/sheet")
@role_required(*STAFF)
def attendance_sheet(session_id: int):
    """A printable attendance sheet with room for signatures."""
    session = get_session_or_404(session_id, current_user)
    return render_template("teaching/attendance_sheet.html", session=session,
                           group=session.group, participants=group_participants(session.group),
                           rows=services.attendance_rows(session))


@bp.post("/sessions/<int:session_id>/checkin/<any(open, close, 'new-code'):action>")
@role_required(*STAFF)
def checkin_control(session_id: int, action: str):
    """Open or close self check-in, or change its code."""
    session = get_session_or_404(session_id, current_user)
    if action == "close":
        services.close_checkin(session)
    else:
        services.open_checkin(session)
    db.session.commit()
    target = "teaching.session" if action == "close" else "teaching.checkin_screen"
    return redirect(url_for(target, session_id=session.id))


@bp.get("/sessions/<int:session_id>/checkin")
@role_required(*STAFF)
def checkin_screen(session_id: int):
    """For the projector: the check-in code, large, beside its QR code."""
    session = get_session_or_404(session_id, current_user)
    link = url_for("checkin.check_in", code=session.checkin_code, _external=True)
    return render_template("teaching/checkin_screen.html", session=session,
                           group=session.group, link=link, qr=qr_svg(link),
                           open=services.checkin_is_open(session, datetime.now(UTC)),
                           count=sum(1 for r in services.attendance_rows(session).values()
                                     if r.status in ("present", "late")))
