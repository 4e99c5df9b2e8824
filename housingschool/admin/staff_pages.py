"""Coordinators' pages: their organisation's staff, one-time codes, groups and course rules."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from housingschool.accounts.models import User
from housingschool.accounts.services import AccountError
from housingschool.admin import services
from housingschool.admin.codes import make_code
from housingschool.admin.forms import CourseRulesForm, GroupsForm, StaffForm
from housingschool.admin.organisation_pages import module_choices
from housingschool.admin.shared import rule_message, show_code_once
from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.reports.audit import record

MANAGERS = ("coordinator", "admin")


def _staff_or_404(user_id: int) -> User:
    """A teacher or coordinator of the viewer's own organisation; anyone else is a 404."""
    user = services.get_staff(current_user.organisation, user_id)
    if user is None:
        abort(404)
    return user


def _back():
    return redirect(url_for("admin.staff"))


@role_required(*MANAGERS)
def staff():
    """The organisation's teachers and coordinators: role, status, groups, actions."""
    return render_template("admin/staff.html",
                           rows=services.staff_of(current_user.organisation))


@role_required(*MANAGERS)
def new_staff():
    """Make a teacher or coordinator account; its one-time code is shown once."""
    form = StaffForm()
    if form.validate_on_submit():
        try:
            new_code = services.create_staff(current_user.organisation, form.username.data,
                                             form.display_name.data, form.role.data,
                                             current_user)
        except (services.AdminError, AccountError) as error:
            db.session.rollback()
            field = {"display_name_missing": form.display_name,
                     "role_not_allowed": form.role}.get(error.code, form.username)
            field.errors.append(rule_message(error))
        else:
            record("staff.create", subject=new_code.user, role=new_code.user.role)
            db.session.commit()
            return show_code_once(new_code, url_for("admin.staff"), first=True)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/staff_form.html", form=form), status


@role_required(*MANAGERS)
def deactivate(user_id: int):
    """Switch a staff account off, after a confirmation page."""
    user = _staff_or_404(user_id)
    if user.id == current_user.id:
        flash(rule_message(services.AdminError("not_yourself")), "error")
        return _back()
    return render_template("admin/deactivate.html", person=user)


@role_required(*MANAGERS)
def confirm_deactivate(user_id: int):
    """Switch the account off: no more signing in; history and names stay."""
    user = _staff_or_404(user_id)
    try:
        services.deactivate(user, current_user)
    except services.AdminError as error:
        flash(rule_message(error), "error")
        return _back()
    record("staff.deactivate", subject=user)
    db.session.commit()
    flash(_("%(name)s is switched off and cannot sign in. Everything they did stays.",
            name=user.display_name), "success")
    return _back()


@role_required(*MANAGERS)
def reactivate(user_id: int):
    """Switch a staff account back on; their old password works again."""
    user = _staff_or_404(user_id)
    services.reactivate(user)
    record("staff.reactivate", subject=user)
    db.session.commit()
    flash(_("%(name)s can sign in again with their old password. If they forgot it, make a "
            "new code.", name=user.display_name), "success")
    return _back()


@role_required(*MANAGERS)
def new_code(user_id: int):
    """A new one-time code to set a password; earlier unused codes stop working."""
    user = _staff_or_404(user_id)
    if not user.active:
        flash(_("Switch the account on first."), "error")
        return _back()
    created = make_code(user, current_user)
    record("staff.reset-code", subject=user)
    db.session.commit()
    return show_code_once(created, url_for("admin.staff"), first=False)


@role_required(*MANAGERS)
def teacher_groups(user_id: int):
    """Choose the groups a teacher teaches."""
    user = _staff_or_404(user_id)
    if user.role != "teacher":
        abort(404)
    groups = services.organisation_groups(current_user.organisation)
    form = GroupsForm(groups=sorted(services.teacher_groups(user)))
    form.groups.choices = [
        SelectChoice(g.id, g.name + (" · " + _("archived") if g.archived else "")) for g in groups]
    if form.validate_on_submit():
        try:
            services.assign_groups(user, form.groups.data or [])
        except services.AdminError as error:
            form.groups.errors.append(rule_message(error))
        else:
            record("staff.groups", subject=user, groups=sorted(form.groups.data or []))
            db.session.commit()
            flash(_("The groups of %(name)s are saved.", name=user.display_name), "success")
            return _back()
    status = 422 if form.is_submitted() else 200
    return render_template("admin/teacher_groups.html", form=form, person=user), status


@role_required(*MANAGERS)
def course_rules():
    """The organisation's own rules: modules needed for a certificate, how long data is kept."""
    organisation = current_user.organisation
    form = CourseRulesForm(obj=organisation)
    form.required_modules.choices = module_choices()
    if form.validate_on_submit():
        try:
            services.update_course_rules(organisation, form.required_modules.data or [],
                                         form.retention_months.data,
                                         current_app.extensions["catalogue"])
        except services.AdminError as error:
            field = (form.retention_months if error.code == "retention_range"
                     else form.required_modules)
            field.errors.append(rule_message(error))
        else:
            record("organisation.update", organisation=organisation.slug)
            db.session.commit()
            flash(_("The settings are saved."), "success")
            return redirect(url_for("admin.course_rules"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/course_rules.html", form=form,
                           organisation=organisation), status
