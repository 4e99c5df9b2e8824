"""Live class mode: the projector and the participants' phones follow one lesson together.

Pages need a signed-in user (else the sign-in page); the JSON endpoints the script polls answer
401 instead. Both follow the same scoping: participants get 403 on teacher pages, staff of
other groups or organisations 404.
"""

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from housingschool import i18n
from housingschool.auth import role_required
from housingschool.content.questions import QUESTION_TYPES
from housingschool.extensions import db
from housingschool.inputs import database_id
from housingschool.teaching import live_services as services
from housingschool.teaching.access import STAFF, get_group_or_404
from housingschool.teaching.qr import qr_svg
from housingschool.web import render_error

bp = Blueprint("live", __name__)

TEACHER_ACTIONS = {
    "quiz": services.start_quiz,
    "reveal": services.reveal,
    "next-question": services.next_question,
    "end-quiz": services.end_quiz,
    "stop": services.stop,
}
REFUSED = {
    "closed": _l("This question is closed now. Look at the big screen to see what comes next."),
    "empty": _l("Choose an answer first, then press the Answer button."),
}


def catalogue():
    """The course catalogue loaded at start-up."""
    return current_app.extensions["catalogue"]


def json_role_required(*roles: str):
    """Like role_required, for the JSON endpoints: 401 when signed out, not a redirect."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _error(error: HTTPException):
    """JSON errors for the scripts' endpoints; the site's kind error pages everywhere else."""
    if request.path.endswith(".json"):
        return jsonify(error=error.name), error.code
    return render_error(error)


for _code in (400, 401, 403, 404, 405):  # per code, as the app registers its error pages
    bp.register_error_handler(_code, _error)


def _fresh(body):
    """State must never come from a cache: the class moves on every few seconds."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _content_language() -> str:
    """The projector shows bokmål unless ?lang= asks for another language."""
    return i18n.normalise(request.args.get("lang")) or catalogue().default_language


def _lang_args() -> dict:
    """?lang= to keep on the projector's links and forms (none for bokmål)."""
    language = _content_language()
    return {} if language == catalogue().default_language else {"lang": language}


def _projector_url(group_id: int) -> str:
    return url_for("live.projector", group_id=group_id, **_lang_args())


@bp.get("/teach/groups/<int:group_id>/live")
@role_required(*STAFF)
def projector(group_id: int):
    """The projector: choose a lesson, then present it slide by slide and run its quiz."""
    group = get_group_or_404(group_id, current_user)
    live = services.group_live(group, catalogue())
    if live is None:
        return render_template("teaching/live_choose.html", group=group,
                               modules=catalogue().modules)
    view = services.view(live, _content_language())
    follow_address = url_for("live.follow", _external=True)
    return _fresh(render_template(
        "teaching/live_projector.html", group=group, view=view,
        state=services.projector_state(live, group), shares=services.option_shares(live),
        languages=_projector_languages(group), lang_args=_lang_args(),
        follow_address=follow_address, follow_qr=qr_svg(follow_address)))


def _projector_languages(group) -> list[i18n.Language]:
    """Bokmål and the group's languages, offered for the projector."""
    codes = dict.fromkeys([catalogue().default_language, *(group.languages or [])])
    return [i18n.language(code) for code in codes if i18n.normalise(code)]


@bp.post("/teach/groups/<int:group_id>/live/start")
@role_required(*STAFF)
def start(group_id: int):
    """Start presenting the chosen lesson ("module/lesson") from its first slide."""
    group = get_group_or_404(group_id, current_user)
    module_slug, _slash, lesson_slug = request.form.get("lesson", "").partition("/")
    lesson = catalogue().lesson(module_slug, lesson_slug) or abort(400)
    services.start(group, lesson, current_user, catalogue())
    db.session.commit()
    return redirect(_projector_url(group.id), code=303)


@bp.post("/teach/groups/<int:group_id>/live/"
         "<any(slide, quiz, reveal, 'next-question', 'end-quiz', stop):action>")
@role_required(*STAFF)
def act(group_id: int, action: str):
    """Move the class on: another slide, the quiz, the answer, the next question, or stop."""
    group = get_group_or_404(group_id, current_user)
    live = services.group_live(group, catalogue(), lock=True)
    if live is not None:
        _apply(live, action)
        db.session.commit()
    return redirect(_projector_url(group.id), code=303)


def _apply(live: services.Live, action: str) -> None:
    if action == "slide":
        index = request.form.get("slide", type=int)
        if index is None:
            abort(400)
        services.go_to_slide(live, index)
        return
    saved = TEACHER_ACTIONS[action](live)
    if saved:
        flash(ngettext("The quiz is over. The answers of %(num)s participant are saved in "
                       "their progress.",
                       "The quiz is over. The answers of %(num)s participants are saved in "
                       "their progress.", len(saved)), "success")
    elif saved is not None:
        flash(_("The quiz is over. No one answered every question, so nothing was saved."),
              "info")


@bp.get("/teach/groups/<int:group_id>/live/state.json")
@json_role_required(*STAFF)
def projector_state(group_id: int):
    """The projector's state for its script: phase, slide, and how many have answered."""
    group = get_group_or_404(group_id, current_user)
    live = services.group_live(group, catalogue())
    return _fresh(jsonify(services.projector_state(live, group)))


@bp.get("/live")
@role_required("participant")
def follow():
    """A participant's phone: the slide on the big screen in their language, or the question."""
    live = services.followed_live(current_user, catalogue())
    if live is None:
        return _fresh(render_template("teaching/live_idle.html",
                                      version=services.version(None)))
    return _fresh(render_template(
        "teaching/live_follow.html", view=services.view(live, i18n.current_language()),
        mine=services.my_answer(live, current_user), version=services.version(live.row),
        question_types=QUESTION_TYPES))


@bp.post("/live/answer")
@role_required("participant")
def answer():
    """Save the participant's answer to the question on screen (it can change until the reveal)."""
    live = services.followed_live(current_user, catalogue(),
                                  request.form.get("live", type=database_id), lock=True)
    try:
        services.answer(live, current_user, request.form.get("question", ""),
                        request.form.getlist("option"))
    except services.AnswerRefused as refused:
        flash(str(REFUSED[refused.reason]), "error")
    else:
        db.session.commit()  # the page says the answer is saved, beside the question
    return redirect(url_for("live.follow"), code=303)


@bp.get("/live/state.json")
@json_role_required("participant")
def follow_state():
    """The phone's script asks this: has anything on the big screen changed?"""
    live = services.followed_live(current_user, catalogue())
    return _fresh(jsonify(live=live is not None,
                          version=services.version(live.row if live else None)))
