"""Privacy and local-note forms."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from housingschool.i18n import LANGUAGES
from housingschool.inputs import Form

NOTE_MAX_LENGTH = 1000


class ConfirmForm(Form):
    """A button that does one thing, after the page above it has explained what."""


def note_field_name(code: str) -> str:
    """The form field for a language's note ("fa-AF" → "note_fa_AF")."""
    return "note_" + code.replace("-", "_")


class LocalNotesForm(Form):
    """One short plain-text note per language; an empty box removes that language's note."""

    def note_fields(self):
        """(language, field) in the order of the language picker."""
        return [(lang, self[note_field_name(lang.code)]) for lang in LANGUAGES]


def _plain(text: str | None) -> str:
    """Line breaks as typed, whichever device sent them; no space around the note."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


for lang in LANGUAGES:
    setattr(LocalNotesForm, note_field_name(lang.code), TextAreaField(
        lang.native_name, filters=[_plain],
        validators=[Length(max=NOTE_MAX_LENGTH, message=_l(
            "Please make this note shorter: at most %(max)d characters."))],
        render_kw={"rows": 5, "lang": lang.code, "dir": "rtl" if lang.rtl else "ltr",
                   "maxlength": NOTE_MAX_LENGTH}))
del lang
