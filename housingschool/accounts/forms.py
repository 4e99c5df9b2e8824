"""Sign-in and registration forms."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import PasswordInput

from housingschool.accounts.pictures import PICTURES
from housingschool.inputs import Form

# Keep what was typed when the form comes back with a message: people with little practice
# typing should not have to enter their PIN again because another field needs a fix.
KEEP_VALUE = PasswordInput(hide_value=False)


class LoginForm(Form):
    """Sign in with username and password or PIN."""

    username = StringField(_l("Username"), validators=[DataRequired(_l("Write your username."))],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    secret = PasswordField(_l("Password or PIN"),
                           validators=[DataRequired(_l("Write your password or PIN."))],
                           render_kw={"autocomplete": "current-password"})


def _picture_field(label, message):
    choices = [SelectChoice(value, name) for value, name in PICTURES.items()]
    return RadioField(label, choices=choices, invalid_choice_message=message)


class PicturesMixin:
    """Three rows of the twelve pictures: the first, second and third of a picture password."""

    first = _picture_field(_l("First picture"), _l("Choose the first picture."))
    second = _picture_field(_l("Second picture"), _l("Choose the second picture."))
    third = _picture_field(_l("Third picture"), _l("Choose the third picture."))

    def picture_fields(self):
        return (self.first, self.second, self.third)

    def pictures(self) -> tuple[str, ...]:
        """The chosen pictures, in order."""
        return tuple(field.data for field in self.picture_fields())


class LoginPicturesForm(PicturesMixin, Form):
    """Sign in with username and three pictures, in order."""

    username = LoginForm.username


class JoinCodeForm(Form):
    """Step 1 of joining: the code the teacher gave."""

    code = StringField(_l("Join code"),
                       validators=[DataRequired(_l("Write the code your teacher gave you."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "spellcheck": "false"})


class RegisterForm(Form):
    """Step 2 of joining: username, name and a password or PIN."""

    username = StringField(
        _l("Choose a username"),
        validators=[DataRequired(_l("Choose a username.")), Length(max=30)],
        description=_l("3 to 30 letters (a-z) or digits. You use it to sign in."),
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Write the name your teacher should see.")),
                    Length(max=60)],
        description=_l("Your first name is enough. Your teacher sees this name."),
        render_kw={"autocomplete": "given-name"})
    secret = PasswordField(
        _l("Password or PIN"),
        validators=[DataRequired(_l("Choose a password or PIN."))],
        description=_l("A PIN of at least 6 digits, or a password of at least 8 characters."),
        widget=KEEP_VALUE, render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Write it again"),
        validators=[DataRequired(_l("Write your password or PIN again."))],
        widget=KEEP_VALUE, render_kw={"autocomplete": "new-password"})

    def validate_confirm(self, field):
        """Both entries must be the same."""
        if field.data != self.secret.data:
            raise ValidationError(_l("The two entries are not the same. Try again."))


class RegisterPicturesForm(PicturesMixin, Form):
    """Step 2 of joining, with a picture password instead of a password or PIN."""

    username = RegisterForm.username
    display_name = RegisterForm.display_name

    def validate_third(self, field):
        """Three different pictures: the same picture twice is easier to guess."""
        if field.data and len(set(self.pictures())) < 3 and None not in self.pictures():
            raise ValidationError(_l("Choose three different pictures."))
