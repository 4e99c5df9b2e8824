"""Forms for organisations, staff accounts and one-time codes."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from housingschool.accounts.forms import KEEP_VALUE
from housingschool.admin.services import RETENTION_RANGE
from housingschool.inputs import Form, database_id
from housingschool.teaching.forms import CheckboxesField, language_choices

USERNAME_KW = {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}


def _retention_field() -> IntegerField:
    low, high = RETENTION_RANGE
    return IntegerField(
        _l("Keep participants' data for (months)"),
        validators=[InputRequired(_l("Write a number of months.")),
                    NumberRange(low, high, _l("Write a number from %(min)s to %(max)s."))],
        description=_l("Participants who have not been active for this many months are made "
                       "anonymous automatically. Hours already reported stay as numbers."),
        render_kw={"inputmode": "numeric"})


def _modules_field() -> CheckboxesField:
    return CheckboxesField(
        _l("Modules needed for the course certificate"),
        description=_l("Tick none to require every module."))


class CourseRulesForm(Form):
    """What a coordinator decides for their organisation."""

    required_modules = _modules_field()
    retention_months = _retention_field()


class OrganisationForm(CourseRulesForm):
    """An organisation's settings (admins)."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Write the organisation's name.")),
                                               Length(max=200)],
                       description=_l("For example: Hamar kommune, Flyktningtjenesten"))
    slug = StringField(_l("Short name"),
                       validators=[DataRequired(_l("Write a short name.")), Length(max=60)],
                       description=_l("Used inside the site: small letters (a-z), digits and "
                                      "dashes, for example hamar-kommune."),
                       render_kw=USERNAME_KW)
    default_language = SelectField(_l("Main language"), choices=language_choices(),
                                   description=_l("Used when we do not know a person's "
                                                  "language yet."))


class NewOrganisationForm(OrganisationForm):
    """A new organisation and its first coordinator."""

    coordinator_username = StringField(
        _l("The coordinator's username"),
        validators=[DataRequired(_l("Choose a username for the coordinator.")), Length(max=30)],
        description=_l("3 to 30 small letters (a-z), digits, dots or dashes. They sign in "
                       "with it."),
        render_kw=USERNAME_KW)
    coordinator_name = StringField(
        _l("The coordinator's name"),
        validators=[DataRequired(_l("Write the coordinator's name.")), Length(max=80)])


class StaffForm(Form):
    """A new teacher or coordinator account."""

    display_name = StringField(_l("Name"),
                               validators=[DataRequired(_l("Write the person's name.")),
                                           Length(max=80)])
    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Choose a username.")), Length(max=30)],
        description=_l("3 to 30 small letters (a-z), digits, dots or dashes. For example "
                       "kari.nordmann."),
        render_kw=USERNAME_KW)
    role = RadioField(
        _l("What they do"), default="teacher",
        choices=[SelectChoice("teacher", _l("Teacher: runs the groups you give them")),
                 SelectChoice("coordinator", _l("Coordinator: sees every group, the reports "
                                                "and the staff page"))],
        validate_choice=True)


class GroupsForm(Form):
    """The groups a teacher teaches."""

    groups = CheckboxesField(_l("Groups this teacher teaches"), coerce=database_id)


class ResetForm(Form):
    """Choose a new password with a one-time code."""

    username = StringField(_l("Username"), validators=[DataRequired(_l("Write your username."))],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    code = StringField(_l("One-time code"),
                       validators=[DataRequired(_l("Write the code you were given."))],
                       description=_l("12 letters and digits, for example K7QM-3RTX-9PHA. "
                                      "Small or capital letters both work."),
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                  "spellcheck": "false"})
    secret = PasswordField(_l("New password"),
                           validators=[DataRequired(_l("Choose a new password."))],
                           description=_l("At least 8 characters. A few words you will "
                                          "remember work well."),
                           widget=KEEP_VALUE, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Write it again"),
                            validators=[DataRequired(_l("Write the new password again."))],
                            widget=KEEP_VALUE, render_kw={"autocomplete": "new-password"})

    def validate_confirm(self, field):
        """Both entries must be the same."""
        if field.data != self.secret.data:
            raise ValidationError(_l("The two entries are not the same. Try again."))
