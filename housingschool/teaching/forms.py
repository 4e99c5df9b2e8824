"""Teachers' forms: groups, participants in bulk, sessions, check-in code."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from housingschool.i18n import LANGUAGES
from housingschool.inputs import FIRST_DAY, LAST_DAY, Form


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (no JavaScript, easy to tap)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Unknown values are reported by the service, with the value named."""


def language_choices():
    return [SelectChoice(lang.code, lang.native_name) for lang in LANGUAGES]


class GroupForm(Form):
    """A new group."""

    name = StringField(_l("Name of the group"),
                       validators=[DataRequired(_l("Give the group a name.")), Length(max=120)],
                       description=_l("For example: Boligskole spring 2027, Tuesdays"))
    languages = CheckboxesField(_l("Languages in the group"), choices=language_choices())
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])


class ParticipantsForm(Form):
    """Names pasted from a list, one per line."""

    names = TextAreaField(_l("Names, one per line"),
                          description=_l("First names are enough. Write two people with the "
                                         "same name differently, for example Amina H. and "
                                         "Amina S."),
                          render_kw={"rows": 8})


class SessionForm(Form):
    """Plan a session."""

    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose the date."))])
    start = TimeField(_l("Starts"), validators=[DataRequired(_l("Choose the start time."))])
    end = TimeField(_l("Ends"), validators=[DataRequired(_l("Choose the end time."))])
    place = StringField(_l("Place"), validators=[Length(max=200)],
                        description=_l("For example: Room 2, Storgata 5"))
    lessons = CheckboxesField(_l("What the session covers"))
    interpreter_languages = CheckboxesField(_l("Interpreters needed"),
                                            choices=language_choices())
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 3})

    def validate_day(self, field):
        """Not in year 1 or 9999: such a day overflows when it becomes Oslo or UTC time."""
        if not FIRST_DAY <= field.data <= LAST_DAY:
            raise ValidationError(_l("Choose the date."))


class CheckinForm(Form):
    """The participant's check-in code."""

    code = StringField(_l("Check-in code"),
                       validators=[DataRequired(_l("Write the code from the board."))],
                       render_kw={"inputmode": "numeric", "autocomplete": "off",
                                  "maxlength": 6})
