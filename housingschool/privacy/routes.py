"""Participants' own data: download, deletion; anonymising; retention; local notes."""

import json
from dataclasses import asdict

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from housingschool.accounts.models import User
from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.privacy import notes, services
from housingschool.privacy.cli import retention
from housingschool.privacy.forms import (
    NOTE_MAX_LENGTH,
    ConfirmForm,
    LocalNotesForm,
    note_field_name,
)
from housingschool.reports.audit import record
from housingschool.teaching.models import Group, Membership

bp = Blueprint("privacy", __name__)
bp.cli.help = "Privacy: anonymise participants inactive longer than the retention setting."
bp.cli.add_command(retention)
STAFF_ACTIONS = {"anonymise": False, "delete": True}  # action → also delete learning history


# --- The participant's own data ---------------------------------------------------------------

@bp.get("/my/data")
@role_required("participant")
def my_data():
    """What we keep about me and why; download it; ask for it to be deleted."""
    return render_template("privacy/my_data.html", counts=services.data_counts(current_user),
                           organisation=current_user.organisation)


@bp.get("/my/data/download")
@role_required("participant")
def download():
    """All my data as a JSON file (logged as an export)."""
    data = services.export_data(current_user)
    record("export.self", subject=current_user)
    db.session.commit()
    name = f"boligskolen-my-data-{data['exported_at'][:10]}.json"
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.route("/my/data/delete", methods=["GET", "POST"])
@role_required("participant")
def ask_deletion():
    """Ask for my data to be deleted: first what will happen, then the button."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.request_deletion(current_user)
        db.session.commit()
        flash(_("We have your request. Your coordinator will delete your data."), "success")
        return redirect(url_for("privacy.my_data"), code=303)
    return render_template("privacy/ask_deletion.html", form=form,
                           organisation=current_user.organisation)


@bp.post("/my/data/delete/withdraw")
@role_required("participant")
def withdraw_deletion():
    """I changed my mind: keep my data."""
    if ConfirmForm().validate_on_submit():
        services.withdraw_deletion(current_user)
        db.session.commit()
        flash(_("Your request is withdrawn. We keep your data and your progress."), "success")
    return redirect(url_for("privacy.my_data"), code=303)


# --- Coordinators: deletion requests, anonymising, deleting ------------------------------------

def get_participant_or_404(user_id: int) -> User:
    """A participant of the current user's organisation; anyone else is a 404."""
    user = db.session.scalar(sa.select(User).where(
        User.id == user_id, User.role == "participant",
        User.organisation_id == current_user.organisation_id))
    if user is None:
        abort(404)
    return user


@bp.get("/privacy/requests")
@role_required("coordinator", "admin")
def requests():
    """Participants who asked for their data to be deleted, oldest request first."""
    waiting = services.deletion_requests(current_user.organisation_id)
    record("view.privacy.requests", rows=len(waiting))
    db.session.commit()
    return render_template("privacy/requests.html", waiting=waiting)


@bp.get("/privacy/participants/<int:user_id>")
@role_required("coordinator", "admin")
def participant(user_id: int):
    """One participant's data in numbers, with the two ways to remove it."""
    user = get_participant_or_404(user_id)
    groups = db.session.scalars(sa.select(Group.name).join(Membership, Membership.group_id ==
                                                           Group.id)
                                .where(Membership.user_id == user.id).order_by(Group.name)).all()
    record("view.participant", subject=user, page="privacy")
    db.session.commit()
    return render_template("privacy/participant.html", user=user, groups=groups,
                           counts=services.data_counts(user))


@bp.route("/privacy/participants/<int:user_id>/<any(anonymise, delete):action>",
          methods=["GET", "POST"])
@role_required("coordinator", "admin")
def remove(user_id: int, action: str):
    """Anonymise or delete a participant: a page that says what happens, then the button."""
    user = get_participant_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        result = services.anonymise(user, delete_learning=STAFF_ACTIONS[action])
        record(f"privacy.{action}", subject=user, **asdict(result))
        db.session.commit()
        flash(_("Done. The participant's name and username are gone.") if action == "anonymise"
              else _("Done. The participant's name, lessons and quiz results are deleted."),
              "success")
        return redirect(url_for("privacy.participant", user_id=user.id), code=303)
    return render_template("privacy/confirm.html", user=user, action=action, form=form,
                           counts=services.data_counts(user))


# --- Local notes ------------------------------------------------------------------------------

def _lesson_or_404(module_slug: str, lesson_slug: str):
    module = current_app.extensions["catalogue"].module(module_slug)
    lesson = module.lesson(lesson_slug) if module else None
    if lesson is None:
        abort(404)
    return module, lesson


@bp.route("/local-notes/<module_slug>/<lesson_slug>", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def local_notes(module_slug: str, lesson_slug: str):
    """Our organisation's note on a lesson, one box per language."""
    module, lesson = _lesson_or_404(module_slug, lesson_slug)
    organisation_id = current_user.organisation_id
    saved = notes.notes_by_language(organisation_id, module.slug, lesson.slug)
    form = LocalNotesForm(data={note_field_name(code): text for code, text in saved.items()})
    if form.validate_on_submit():
        texts = {lang.code: field.data for lang, field in form.note_fields()}
        try:
            notes.save_notes(organisation_id, module.slug, lesson.slug, texts, current_user.id)
            db.session.commit()
        except IntegrityError:  # someone saved the same lesson at the same moment
            db.session.rollback()
            flash(_("Someone else saved a note here at the same moment. Please check the "
                    "notes and save again."), "error")
            return redirect(url_for("privacy.local_notes", module_slug=module.slug,
                                    lesson_slug=lesson.slug), code=303)
        flash(_("The local note is saved."), "success")
        return redirect(url_for("learning.lesson", module_slug=module.slug,
                                lesson_slug=lesson.slug, _anchor="local-note"), code=303)
    return render_template("localnotes/edit.html", form=form, module=module, lesson=lesson,
                           organisation=current_user.organisation,
                           max_length=NOTE_MAX_LENGTH), 422 if form.errors else 200
