"""Admin pages: the organisations, their settings and their first coordinator."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from housingschool.accounts.models import Organisation, User
from housingschool.accounts.services import AccountError
from housingschool.admin import services
from housingschool.admin.codes import make_code
from housingschool.admin.forms import NewOrganisationForm, OrganisationForm
from housingschool.admin.shared import rule_message, show_code_once
from housingschool.auth import role_required
from housingschool.extensions import db
from housingschool.i18n import current_language
from housingschool.reports.audit import record

# Which field shows the message for each rule code.
FIELDS = {"slug_format": "slug", "slug_taken": "slug", "name_missing": "name",
          "language_unknown": "default_language", "unknown_module": "required_modules",
          "retention_range": "retention_months", "display_name_missing": "coordinator_name"}


def catalogue():
    return current_app.extensions["catalogue"]


def module_choices() -> list[SelectChoice]:
    """The catalogue's modules as checkbox choices, titled in the page's language if we can."""
    language = current_language()
    return [SelectChoice(m.slug, m.text(language).text.title) for m in catalogue().modules]


def settings_from(form: OrganisationForm) -> services.OrganisationSettings:
    return services.OrganisationSettings(
        form.name.data, form.slug.data, form.default_language.data,
        form.required_modules.data or [], form.retention_months.data)


def show_error(form, error: services.AdminError | AccountError) -> None:
    """Put the message beside the field it is about."""
    name = FIELDS.get(error.code) or ("coordinator_username" if error.code.startswith("username")
                                      else "name")
    form[name].errors.append(rule_message(error))


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id)


@role_required("admin")
def organisations():
    """Every organisation, with its active staff and participants."""
    return render_template("admin/organisations.html",
                           rows=services.organisation_overview())


@role_required("admin")
def new_organisation():
    """Create an organisation and its first coordinator, who gets a one-time code."""
    form = NewOrganisationForm(retention_months=24, default_language="nb")
    form.required_modules.choices = module_choices()
    if form.validate_on_submit():
        try:
            organisation, new_code = services.create_organisation(
                settings_from(form), catalogue(), form.coordinator_username.data,
                form.coordinator_name.data, current_user)
        except (services.AdminError, AccountError) as error:
            db.session.rollback()  # the half-made organisation must not be saved later
            show_error(form, error)
        else:
            record("organisation.create", subject=new_code.user, organisation=organisation.slug)
            db.session.commit()
            return show_code_once(new_code, url_for("admin.organisations"), first=True)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/organisation_form.html", form=form, organisation=None), status


@role_required("admin")
def edit_organisation(organisation_id: int):
    """Change an organisation's settings; see its coordinators."""
    organisation = _organisation_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    form.required_modules.choices = module_choices()
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, settings_from(form), catalogue())
        except services.AdminError as error:
            show_error(form, error)
        else:
            record("organisation.update", organisation=organisation.slug)
            db.session.commit()
            flash(_("The settings of %(name)s are saved.", name=organisation.name), "success")
            return redirect(url_for("admin.organisations"))
    coordinators = db.session.scalars(sa.select(User).where(
        User.organisation_id == organisation.id, User.role == "coordinator")
        .order_by(User.active.desc(), User.display_name)).all()
    status = 422 if form.is_submitted() else 200
    return render_template("admin/organisation_form.html", form=form, organisation=organisation,
                           coordinators=coordinators), status


@role_required("admin")
def coordinator_code(organisation_id: int, user_id: int):
    """A new one-time code for a coordinator of any organisation (e.g. one who lost theirs)."""
    organisation = _organisation_or_404(organisation_id)
    user = services.get_staff(organisation, user_id)
    if user is None or user.role != "coordinator" or not user.active:
        abort(404)
    new_code = make_code(user, current_user)
    record("staff.reset-code", subject=user)
    db.session.commit()
    back = url_for("admin.edit_organisation", organisation_id=organisation.id)
    return show_code_once(new_code, back, first=False)
