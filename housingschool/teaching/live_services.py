"""Live class rules: what a group's projector shows, the live quiz, and its answers.

The state lives in LiveClass (one row per group), so every app server sees the same thing;
answers live in LiveAnswer while the quiz runs. When the quiz ends, every participant who
answered all its questions gets a quiz attempt, as if they had taken the quiz on their own.
"""

import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from housingschool.accounts.models import User
from housingschool.content.catalogue import (
    Catalogue,
    Lesson,
    LessonText,
    Module,
    Question,
    Translated,
)
from housingschool.content.questions import QUESTION_TYPES
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.learning.services import submit_attempt
from housingschool.teaching.access import participant_groups
from housingschool.teaching.models import Group, LiveAnswer, LiveClass, Membership

QUIZ_PHASES = ("quiz", "revealed")
# Live quiz attempts get uuid5 ids in this namespace, so the same run is always the same id.
ATTEMPT_NAMESPACE = uuid.UUID("4d0f5c3e-8a51-5b6e-9a57-1c2f3b7e6d10")
BEFORE_H2 = re.compile(r"(?=<h2[\s>])")


class AnswerRefused(Exception):
    """A participant's answer was not taken: `reason` is "closed" or "empty"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Slide:
    """One slide: the title page (intro and key points), a section under an <h2>, or the
    Norwegian words."""

    kind: str  # "title", "section" or "glossary"
    html: str = ""


@lru_cache(maxsize=1024)
def _split(html: str) -> tuple[str, ...]:
    return tuple(BEFORE_H2.split(html))


def slides(text: LessonText) -> tuple[Slide, ...]:
    """A lesson text as slides: title, one slide per <h2> section, then the glossary."""
    intro, *sections = _split(text.html)
    return (Slide("title", intro), *(Slide("section", s) for s in sections), Slide("glossary"))


@dataclass(frozen=True)
class Live:
    """A group's live class together with the lesson it presents."""

    row: LiveClass
    module: Module
    lesson: Lesson

    @property
    def slide_count(self) -> int:
        """Slides in the lesson (every language has the same sections)."""
        return len(slides(self.lesson.text(self.lesson.default_language).text))

    @property
    def question(self) -> Question | None:
        """The quiz question on screen, while the quiz runs."""
        index = self.row.question_index
        if self.row.phase in QUIZ_PHASES and index < len(self.lesson.questions):
            return self.lesson.questions[index]
        return None

    @property
    def is_last_question(self) -> bool:
        """Whether the question on screen is the quiz's last one."""
        return self.row.question_index + 1 >= len(self.lesson.questions)


def _live(row: LiveClass | None, catalogue: Catalogue) -> Live | None:
    lesson = catalogue.lesson(row.module_slug, row.lesson_slug) if row else None
    return Live(row, catalogue.module(row.module_slug), lesson) if lesson else None


def _locked(query: sa.Select, lock: bool, read: bool = False) -> sa.Select:
    """Lock the row, so teacher actions and answers on one live class happen one at a time."""
    if not lock:
        return query
    return query.with_for_update(read=read).execution_options(populate_existing=True)


def group_live(group: Group, catalogue: Catalogue, lock: bool = False) -> Live | None:
    """The group's live class, if it presents a lesson (locked when the teacher changes it)."""
    query = sa.select(LiveClass).where(LiveClass.group_id == group.id)
    return _live(db.session.scalar(_locked(query, lock)), catalogue)


def followed_live(user: User, catalogue: Catalogue, live_id: int | None = None,
                  lock: bool = False) -> Live | None:
    """The live class a participant follows: in one of their groups, the latest to change."""
    query = sa.select(LiveClass).where(LiveClass.group_id.in_(
        participant_groups(user).with_only_columns(Group.id)))
    if live_id is not None:
        query = query.where(LiveClass.id == live_id)
    query = query.order_by(LiveClass.updated_at.desc(), LiveClass.id.desc()).limit(1)
    return _live(db.session.scalar(_locked(query, lock, read=True)), catalogue)


def start(group: Group, lesson: Lesson, user: User, catalogue: Catalogue) -> LiveClass:
    """Present `lesson` to the group from its first slide, replacing any lesson on screen.

    A quiz still running on the old lesson ends first, so its answers are saved.
    """
    query = sa.select(LiveClass).where(LiveClass.group_id == group.id)
    row = db.session.scalar(_locked(query, lock=True))
    if row is None:
        row = _reset(LiveClass(group_id=group.id), lesson, user)
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row
        except IntegrityError:  # another tab started a lesson at the same moment
            row = db.session.scalar(_locked(query, lock=True))
    current = _live(row, catalogue)
    if current:
        end_quiz(current)
    _clear_answers(row)
    return _reset(row, lesson, user)


def _reset(row: LiveClass, lesson: Lesson, user: User) -> LiveClass:
    row.module_slug, row.lesson_slug, row.started_by_id = lesson.module_slug, lesson.slug, user.id
    row.slide, row.phase, row.question_index = 0, "slides", 0
    return row


def go_to_slide(live: Live, index: int) -> None:
    """Show slide `index` (kept within the lesson); a page sent twice lands on the same slide."""
    live.row.slide = max(0, min(index, live.slide_count - 1))


def start_quiz(live: Live) -> None:
    """Open the quiz at its first question, with no answers yet."""
    if live.row.phase == "slides" and live.lesson.questions:
        _clear_answers(live.row)
        live.row.phase, live.row.question_index = "quiz", 0


def reveal(live: Live) -> None:
    """Show the right answer and how the class answered; answers are closed from now on."""
    if live.row.phase == "quiz":
        live.row.phase = "revealed"


def next_question(live: Live) -> list[QuizAttempt] | None:
    """After the reveal, go to the next question; after the last one, end the quiz.

    Returns the saved attempts when the quiz ended, else None.
    """
    if live.row.phase != "revealed":
        return None
    if live.is_last_question:
        return end_quiz(live)
    live.row.question_index += 1
    live.row.phase = "quiz"
    return None


def end_quiz(live: Live) -> list[QuizAttempt] | None:
    """End a running quiz: save the attempts, clear the answers, go back to the slides.

    Returns the saved attempts, or None when no quiz was running (so ending twice is harmless).
    """
    if live.row.phase not in QUIZ_PHASES:
        return None
    attempts = save_attempts(live)
    _clear_answers(live.row)
    live.row.phase, live.row.question_index = "slides", 0
    return attempts


def stop(live: Live) -> list[QuizAttempt] | None:
    """Stop presenting: end any running quiz (saving it) and take the lesson off the screen."""
    attempts = end_quiz(live)
    db.session.delete(live.row)
    return attempts


def _clear_answers(row: LiveClass) -> None:
    if row.id is not None:
        db.session.execute(sa.delete(LiveAnswer).where(LiveAnswer.live_id == row.id))


def save_attempts(live: Live) -> list[QuizAttempt]:
    """Save a quiz attempt for every participant who answered every question of this run.

    The attempt id comes from the live class, the participant and the run, so saving the same
    run again (the End button pressed twice, on two app servers) stores nothing new.
    """
    answers = list(db.session.scalars(
        sa.select(LiveAnswer).where(LiveAnswer.live_id == live.row.id)))
    if not answers:
        return []
    run = _run_marker(answers)
    given: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for row in answers:
        given[row.user_id][row.question_id] = list(row.options)
    needed = {q.id for q in live.lesson.questions}
    return [submit_attempt(user_id, live.module, live.lesson,
                           live_attempt_id(live.row.id, user_id, run), chosen)
            for user_id, chosen in sorted(given.items()) if needed <= chosen.keys()]


def _run_marker(answers: list[LiveAnswer]) -> str:
    """What tells one quiz run from the next: the time of its first answer (answers are
    cleared between runs, and LiveClass has no run counter of its own)."""
    return min(_stamp(row.answered_at) for row in answers)


def _stamp(moment: datetime) -> str:
    """A datetime as UTC digits (SQLite gives it back naive, PostgreSQL aware)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).strftime("%Y%m%dT%H%M%S%f")


def live_attempt_id(live_id: int, user_id: int, run: str) -> str:
    """The quiz attempt id of one participant in one run of a live quiz."""
    return str(uuid.uuid5(ATTEMPT_NAMESPACE, f"live:{live_id}:user:{user_id}:run:{run}"))


def answer(live: Live | None, user: User, question_id: str, options: list[str]) -> LiveAnswer:
    """Save a participant's answer to the open question; before the reveal they may change it.

    Raises AnswerRefused("closed") when that question is not open, ("empty") with no option.
    """
    question = live.question if live else None
    if question is None or live.row.phase != "quiz" or question.id != question_id:
        raise AnswerRefused("closed")
    chosen = [option for option in question.options if option in options]
    if not chosen:
        raise AnswerRefused("empty")
    row = _own_answer(live, user.id, question.id)
    if row is None:
        row = LiveAnswer(live_id=live.row.id, user_id=user.id, question_id=question.id,
                         options=chosen)
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row
        except IntegrityError:  # the same answer sent twice at once: change the first
            row = _own_answer(live, user.id, question.id)
    row.options = chosen
    return row


def _own_answer(live: Live, user_id: int, question_id: str) -> LiveAnswer | None:
    return db.session.scalar(sa.select(LiveAnswer).filter_by(
        live_id=live.row.id, user_id=user_id, question_id=question_id))


@dataclass(frozen=True)
class MyAnswer:
    """A participant's answer to the question on screen, and whether it is right."""

    options: tuple[str, ...]
    right: bool


def my_answer(live: Live, user: User) -> MyAnswer | None:
    """What this participant answered to the question on screen, if anything."""
    question = live.question
    row = _own_answer(live, user.id, question.id) if question else None
    if row is None:
        return None
    chosen = frozenset(row.options)
    return MyAnswer(tuple(o for o in question.options if o in chosen),
                    QUESTION_TYPES[question.type].is_right(question.correct, chosen))


def _participant_ids(group_id: int) -> sa.Select:
    return (sa.select(Membership.user_id).join(User, User.id == Membership.user_id)
            .where(Membership.group_id == group_id, User.role == "participant"))


def participant_count(group_id: int) -> int:
    """How many participants the group has."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        _participant_ids(group_id).subquery()))


def _current_answers(live: Live) -> sa.Select:
    """The group's participants' answers to the question on screen."""
    return sa.select(LiveAnswer.options).where(
        LiveAnswer.live_id == live.row.id, LiveAnswer.question_id == live.question.id,
        LiveAnswer.user_id.in_(_participant_ids(live.row.group_id)))


def answered_count(live: Live) -> int:
    """How many of the group's participants answered the question on screen."""
    if live.question is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        _current_answers(live).subquery()))


@dataclass(frozen=True)
class OptionShare:
    """How many participants chose one option, in people and percent of those who answered."""

    option: str
    count: int
    percent: int
    right: bool


def option_shares(live: Live) -> tuple[OptionShare, ...]:
    """Each option of the question on screen with how many chose it (empty before a quiz)."""
    question = live.question
    if question is None:
        return ()
    answers = list(db.session.scalars(_current_answers(live)))
    counts = Counter(option for options in answers for option in set(options))
    return tuple(OptionShare(o, counts[o], round(100 * counts[o] / len(answers)) if answers
                             else 0, o in question.correct) for o in question.options)


def version(row: LiveClass | None) -> str:
    """A string that changes whenever what the screens show changes."""
    if row is None:
        return "none"
    return (f"{row.id}-{row.module_slug}-{row.lesson_slug}-{row.phase}-{row.slide}-"
            f"{row.question_index}-{_stamp(row.updated_at)}")


def projector_state(live: Live | None, group: Group) -> dict:
    """What the projector's script needs: where the class is and how many have answered."""
    if live is None:
        return {"live": False, "version": version(None)}
    row = live.row
    state = {"live": True, "version": version(row), "phase": row.phase, "slide": row.slide,
             "slides": live.slide_count, "question_index": row.question_index,
             "questions": len(live.lesson.questions), "answered": answered_count(live),
             "participants": participant_count(group.id)}
    if row.phase == "revealed":
        state["counts"] = {share.option: share.count for share in option_shares(live)}
    return state


@dataclass(frozen=True)
class View:
    """What one screen shows of a live class, in one language."""

    live: Live
    text: Translated
    slide: Slide
    number: int  # 1-based, for "Slide 2 of 7"
    count: int


def view(live: Live, language: str) -> View:
    """The live class's current slide in `language` (bokmål where not translated)."""
    text = live.lesson.text(language)
    all_slides = slides(text.text)
    index = max(0, min(live.row.slide, len(all_slides) - 1))
    return View(live, text, all_slides[index], index + 1, len(all_slides))
