"""Participants' pages: modules, lessons, quizzes and their own progress."""

import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user

from housingschool.auth import is_participant, role_required
from housingschool.content.questions import QUESTION_TYPES
from housingschool.extensions import db
from housingschool.i18n import current_language
from housingschool.learning import services
from housingschool.learning.side_by_side import pair_blocks
from housingschool.privacy.notes import note_for_lesson

bp = Blueprint("learning", __name__)


def catalogue():
    """The course catalogue loaded at start-up."""
    return current_app.extensions["catalogue"]


def get_lesson_or_404(module_slug: str, lesson_slug: str):
    """The module and lesson at this address, or 404."""
    module = catalogue().module(module_slug)
    lesson = module.lesson(lesson_slug) if module else None
    if lesson is None:
        abort(404)
    return module, lesson


def _user_id() -> int | None:
    return current_user.id if is_participant() else None


@bp.get("/")
def home():
    """Home: the modules as big tiles, with the participant's progress and next step."""
    progress = services.progress(_user_id(), catalogue())
    return render_template("learning/home.html", progress=progress,
                           next_step=services.next_step(progress) if _user_id() else None)


@bp.get("/modules/<slug>")
def module(slug: str):
    """A module: its lessons, done or not done."""
    status = services.progress(_user_id(), catalogue()).get(slug) or abort(404)
    return render_template("learning/module.html", status=status)


@bp.get("/modules/<module_slug>/<lesson_slug>")
def lesson(module_slug: str, lesson_slug: str):
    """A lesson: text, pictures and the quiz."""
    module, lesson = get_lesson_or_404(module_slug, lesson_slug)
    text = lesson.text(current_language())
    # "Download this topic" fetches every lesson for offline reading: that is not opening it.
    if is_participant() and request.headers.get("Purpose") != "prefetch":
        services.record_opened(current_user.id, lesson, text.language)
        db.session.commit()
    return _render_lesson(module, lesson, text)


@bp.get("/modules/<module_slug>/<lesson_slug>/side-by-side")
def side_by_side(module_slug: str, lesson_slug: str):
    """The lesson paragraph by paragraph in the reader's language beside the bokmål text."""
    module, lesson = get_lesson_or_404(module_slug, lesson_slug)
    own, norwegian = lesson.text(current_language()), lesson.text(lesson.default_language)
    if own.language == norwegian.language:  # bokmål readers, or not translated yet
        return redirect(url_for("learning.lesson", module_slug=module.slug,
                                lesson_slug=lesson.slug))
    if is_participant():
        services.record_opened(current_user.id, lesson, own.language)
        db.session.commit()
    return render_template("learning/side_by_side.html", module=module, lesson=lesson, own=own,
                           norwegian=norwegian,
                           pairs=pair_blocks(own.text.html, norwegian.text.html))


def _render_lesson(module, lesson, text, attempt_id=None, answers=None, missing=()):
    """The lesson page, with the quiz form empty or as the participant left it.

    Signed-in users also see their organisation's local note, if it wrote one.
    """
    note = note_for_lesson(current_user.organisation_id, module.slug, lesson.slug,
                           current_language()) if current_user.is_authenticated else None
    return render_template("learning/lesson.html", module=module, lesson=lesson, text=text,
                           attempt_id=attempt_id or str(uuid.uuid4()), answers=answers or {},
                           missing=missing, question_types=QUESTION_TYPES, local_note=note)


def _answers_from(form, lesson) -> dict[str, list[str]]:
    return {q.id: form.getlist(f"q-{q.id}") for q in lesson.questions}


@bp.post("/modules/<module_slug>/<lesson_slug>/quiz")
def submit_quiz(module_slug: str, lesson_slug: str):
    """Grade a quiz on the server; save it (once) for participants."""
    module, lesson = get_lesson_or_404(module_slug, lesson_slug)
    answers = _answers_from(request.form, lesson)
    attempt_id = request.form.get("attempt_id", "")
    text = lesson.text(current_language())
    missing = services.unanswered(lesson, answers)
    if missing or not _valid_uuid(attempt_id):
        keep_id = attempt_id if _valid_uuid(attempt_id) else None
        return _render_lesson(module, lesson, text, keep_id, answers, missing), 422
    if not is_participant():
        result = services.grade_answers(module, lesson, answers)
        return render_template("learning/result.html", module=module, lesson=lesson, text=text,
                               result=result, saved=False)
    services.submit_attempt(current_user.id, module, lesson, attempt_id, answers)
    db.session.commit()
    return redirect(url_for("learning.attempt", module_slug=module.slug, lesson_slug=lesson.slug,
                            attempt_id=attempt_id), code=303)


def _valid_uuid(value: str) -> bool:
    """A UUID as the page writes it: 36 characters (UUID() also takes longer spellings)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


@bp.get("/modules/<module_slug>/<lesson_slug>/attempts/<attempt_id>")
@role_required("participant")
def attempt(module_slug: str, lesson_slug: str, attempt_id: str):
    """The result of one of the participant's own quiz attempts."""
    module, lesson = get_lesson_or_404(module_slug, lesson_slug)
    saved = services.get_attempt(current_user.id, attempt_id) if _valid_uuid(attempt_id) else None
    if saved is None or (saved.module_slug, saved.lesson_slug) != (module.slug, lesson.slug):
        abort(404)
    result = services.grade_answers(module, lesson, saved.answers)
    return render_template("learning/result.html", module=module, lesson=lesson,
                           text=lesson.text(current_language()), result=result, saved=True,
                           attempt=saved)


@bp.get("/progress")
@role_required("participant")
def my_progress():
    """My progress: per module, lessons completed, best scores and when."""
    return render_template("learning/progress.html",
                           progress=services.progress(current_user.id, catalogue()))


@bp.get("/course-media/<module_slug>/<path:filename>")
def media(module_slug: str, filename: str):
    """Pictures from a module's img/ folder (and recorded readings from audio/, addressed as
    audio/<file>), cached by the phone for a week."""
    if catalogue().module(module_slug) is None:
        abort(404)
    folder = current_app.config["COURSES_DIR"] / module_slug
    subfolder, _, name = filename.partition("/")
    if subfolder == "audio" and name:
        return send_from_directory(folder / "audio", name, max_age=7 * 24 * 3600)
    return send_from_directory(folder / "img", filename, max_age=7 * 24 * 3600)

