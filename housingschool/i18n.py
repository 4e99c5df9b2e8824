"""Languages: which we support, which are right-to-left, and how a request's language is chosen.

Order: an explicit choice (?lang=xx, kept in the session and on the user) → the user's profile →
the browser's Accept-Language → the organisation's default → bokmål.
"""

from dataclasses import dataclass

from flask import g, request, session
from flask_login import current_user


@dataclass(frozen=True)
class Language:
    """One language the site speaks."""

    code: str  # BCP 47 tag, used in URLs, <html lang> and content folders
    babel: str  # gettext catalogue name
    native_name: str  # shown in the picker, in its own script
    rtl: bool = False


LANGUAGES = (
    Language("nb", "nb", "Norsk bokmål"),
    Language("en", "en", "English"),
    Language("uk", "uk", "Українська"),
    Language("ar", "ar", "العربية", rtl=True),
    Language("fa-AF", "fa_AF", "دری", rtl=True),
    Language("ti", "ti", "ትግርኛ"),
    Language("so", "so", "Soomaali"),
)
DEFAULT_LANGUAGE = "nb"
BY_CODE = {lang.code: lang for lang in LANGUAGES}
# Spellings people and browsers use for the same languages.
ALIASES = {
    "no": "nb", "nn": "nb", "nb-no": "nb", "fa-af": "fa-AF", "fa_af": "fa-AF", "prs": "fa-AF",
    "fa": "fa-AF",
}


def normalise(code: str | None) -> str | None:
    """Return our code for a language tag, or None if we do not speak it."""
    if not code:
        return None
    code = code.strip()
    if code in BY_CODE:
        return code
    lowered = code.lower().replace("_", "-")
    if lowered in ALIASES:
        return ALIASES[lowered]
    for lang in LANGUAGES:
        if lang.code.lower() == lowered:
            return lang.code
    base = lowered.split("-")[0]
    return ALIASES.get(base) or (base if base in BY_CODE else None)


def language(code: str) -> Language:
    """The Language for one of our codes (bokmål for anything unknown)."""
    return BY_CODE.get(code) or BY_CODE[DEFAULT_LANGUAGE]


def from_accept_language(header_values) -> str | None:
    """Our best language from Accept-Language, in the browser's order of preference."""
    for tag, _quality in header_values:
        code = normalise(tag)
        if code:
            return code
    return None


def choose_language(explicit, profile, accept_language, organisation_default) -> str:
    """Apply the locale order to the candidates; the first one we speak wins."""
    for candidate in (explicit, profile, accept_language, organisation_default):
        code = normalise(candidate)
        if code:
            return code
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the current request (worked out once per request)."""
    if "language" in g:
        return g.language
    user = current_user if current_user and current_user.is_authenticated else None
    g.language = choose_language(
        session.get("lang"),
        user.language if user else None,
        from_accept_language(request.accept_languages),
        user.organisation.default_language if user else None,
    )
    return g.language


def babel_locale() -> str:
    """Flask-Babel's locale selector: the gettext catalogue for the current language."""
    return language(current_language()).babel
