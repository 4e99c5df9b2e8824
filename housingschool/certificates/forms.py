"""Staff forms: issue a certificate, withdraw one."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from housingschool.i18n import LANGUAGES
from housingschool.inputs import Form


def language_choices() -> list[SelectChoice]:
    """Every language in its own script; bokmål means a Norwegian-only certificate."""
    return [SelectChoice(lang.code, _l("Only Norwegian") if lang.code == "nb"
                         else lang.native_name) for lang in LANGUAGES]


class IssueForm(Form):
    """Issue a certificate."""

    language = SelectField(
        _l("Second language on the certificate"), choices=language_choices(),
        description=_l("Norwegian is always on the certificate. We have chosen the "
                       "participant's own language; change it if they prefer another."))


class RevokeForm(Form):
    """Withdraw a certificate, with a reason kept in the list."""

    reason = StringField(
        _l("Why are you withdrawing it?"),
        validators=[DataRequired(_l("Write a short reason, for example: given to the wrong "
                                    "person.")), Length(max=200)],
        description=_l("Only staff of your organisation see the reason."))
