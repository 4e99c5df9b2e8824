"""Local notes: an organisation's own words on a lesson (bins, laundry room, who to call)."""

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.i18n import DEFAULT_LANGUAGE, LANGUAGES
from housingschool.reports.models import LocalNote


def note_for_lesson(organisation_id: int, module_slug: str, lesson_slug: str,
                    language: str) -> LocalNote | None:
    """The organisation's note for a lesson in `language`, else its bokmål note: one query."""
    notes = {note.language: note for note in db.session.scalars(sa.select(LocalNote).where(
        LocalNote.organisation_id == organisation_id, LocalNote.module_slug == module_slug,
        LocalNote.lesson_slug == lesson_slug,
        LocalNote.language.in_({language, DEFAULT_LANGUAGE})))}
    return notes.get(language) or notes.get(DEFAULT_LANGUAGE)


def notes_by_language(organisation_id: int, module_slug: str,
                      lesson_slug: str) -> dict[str, str]:
    """Every language's note for a lesson, as text, keyed by language code."""
    return {note.language: note.text for note in _notes(organisation_id, module_slug,
                                                          lesson_slug)}


def save_notes(organisation_id: int, module_slug: str, lesson_slug: str, texts: dict[str, str],
               editor_id: int) -> None:
    """Store the notes as plain text; an empty text removes that language's note.

    Languages we do not speak are ignored. The caller commits.
    """
    existing = {note.language: note for note in _notes(organisation_id, module_slug,
                                                       lesson_slug)}
    for code in (lang.code for lang in LANGUAGES):
        text, note = (texts.get(code) or "").strip(), existing.get(code)
        if not text:
            if note is not None:
                db.session.delete(note)
        elif note is None:
            db.session.add(LocalNote(organisation_id=organisation_id, module_slug=module_slug,
                                     lesson_slug=lesson_slug, language=code, text=text,
                                     updated_by_id=editor_id))
        elif note.text != text:
            note.text, note.updated_by_id = text, editor_id
    db.session.flush()


def _notes(organisation_id: int, module_slug: str, lesson_slug: str) -> list[LocalNote]:
    return list(db.session.scalars(sa.select(LocalNote).where(
        LocalNote.organisation_id == organisation_id, LocalNote.module_slug == module_slug,
        LocalNote.lesson_slug == lesson_slug)))
