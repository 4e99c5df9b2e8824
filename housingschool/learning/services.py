"""Learning rules: opening lessons, submitting quizzes, and working out progress.

A lesson is complete once one of its quiz attempts reached the module's pass mark (the best
attempt counts); a module is complete when all its lessons are, at the moment the last of them
was first passed. That moment is also kept in ModuleCompletion, written here when a quiz is
passed, so reports for a whole organisation need not read every quiz attempt.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from housingschool.accounts.models import User
from housingschool.content.catalogue import Catalogue, Lesson, Module
from housingschool.content.questions import Grade, grade
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, ModuleCompletion, QuizAttempt

Users = Iterable[int] | sa.Select | None  # ids, a query for ids, or None for everyone


def record_opened(user_id: int, lesson: Lesson, language: str) -> None:
    """Note the first time a participant opens a lesson (later visits change nothing)."""
    exists = sa.select(LessonProgress.id).filter_by(
        user_id=user_id, module_slug=lesson.module_slug, lesson_slug=lesson.slug)
    if db.session.scalar(exists):
        return
    try:
        with db.session.begin_nested():
            db.session.add(LessonProgress(user_id=user_id, module_slug=lesson.module_slug,
                                          lesson_slug=lesson.slug, language=language))
    except IntegrityError:
        pass  # opened in another tab at the same moment: the first one counts


def unanswered(lesson: Lesson, answers: dict[str, list[str]]) -> list[str]:
    """Ids of the questions with no option chosen, in lesson order."""
    return [q.id for q in lesson.questions if not answers.get(q.id)]


def grade_answers(module: Module, lesson: Lesson, answers: dict[str, list[str]]) -> Grade:
    """Grade answers against the lesson's answer key (nothing is saved)."""
    return grade(lesson.questions, answers, module.pass_mark)


def submit_attempt(user_id: int, module: Module, lesson: Lesson, attempt_id: str,
                   answers: dict[str, list[str]]) -> QuizAttempt:
    """Grade and save a quiz attempt once: re-sending the same attempt returns the saved one."""
    saved = get_attempt(user_id, attempt_id)
    if saved:
        return saved
    result = grade_answers(module, lesson, answers)
    attempt = QuizAttempt(
        attempt_id=attempt_id, user_id=user_id, module_slug=module.slug, lesson_slug=lesson.slug,
        answers={r.question_id: list(r.chosen) for r in result.results},
        score=result.score, passed=result.passed)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # the same form arrived twice at once: keep the first
        return get_attempt(user_id, attempt_id)
    if attempt.passed:
        record_completion(user_id, module)
    return attempt


def get_attempt(user_id: int, attempt_id: str) -> QuizAttempt | None:
    """One of this participant's own attempts."""
    return db.session.scalar(sa.select(QuizAttempt).filter_by(
        user_id=user_id, attempt_id=attempt_id))


@dataclass(frozen=True)
class LessonStatus:
    """Where a participant stands in one lesson."""

    lesson: Lesson
    opened: bool
    attempts: int
    best_score: int | None
    completed_at: datetime | None

    @property
    def done(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class ModuleStatus:
    """Where a participant stands in one module."""

    module: Module
    lessons: tuple[LessonStatus, ...]

    @property
    def lessons_done(self) -> int:
        return sum(status.done for status in self.lessons)

    @property
    def done(self) -> bool:
        return self.lessons_done == len(self.lessons)

    @property
    def completed_at(self) -> datetime | None:
        """When the last lesson was completed, once all are."""
        return max(s.completed_at for s in self.lessons) if self.done else None


def next_step(statuses: dict[str, ModuleStatus]) -> LessonStatus | None:
    """The first lesson, in course order, that is not done yet."""
    return next((s for m in statuses.values() for s in m.lessons if not s.done), None)


def progress(user_id: int | None, catalogue: Catalogue) -> dict[str, ModuleStatus]:
    """Every module's status for one participant (all "not started" for a visitor): 2 queries."""
    attempts, opened = {}, set()
    if user_id is not None:
        rows = db.session.execute(
            sa.select(
                QuizAttempt.module_slug, QuizAttempt.lesson_slug, sa.func.count(),
                sa.func.max(QuizAttempt.score),
                sa.func.min(sa.case((QuizAttempt.passed, QuizAttempt.submitted_at))),
            ).where(QuizAttempt.user_id == user_id)
            .group_by(QuizAttempt.module_slug, QuizAttempt.lesson_slug))
        attempts = {(m, lesson): rest for m, lesson, *rest in rows}
        opened = {tuple(row) for row in db.session.execute(
            sa.select(LessonProgress.module_slug, LessonProgress.lesson_slug)
            .where(LessonProgress.user_id == user_id))}
    result = {}
    for module in catalogue.modules:
        statuses = []
        for lesson in module.lessons:
            count, best, completed = attempts.get((module.slug, lesson.slug), (0, None, None))
            statuses.append(LessonStatus(lesson, (module.slug, lesson.slug) in opened or count > 0,
                                         count, best, completed))
        result[module.slug] = ModuleStatus(module, tuple(statuses))
    return result


def in_lessons(modules: Iterable[Module], module_col, lesson_col) -> sa.ColumnElement[bool]:
    """A condition: (module, lesson) is one of these modules' lessons (old slugs do not count).

    Written as "module/lesson" IN (...): PostgreSQL hashes a long IN list of constants, while
    a tuple IN becomes a chain of ORs that costs a third more on a large table.
    """
    keys = [lesson.key for module in modules for lesson in module.lessons]
    return (module_col + "/" + lesson_col).in_(keys)


def completions(modules: Iterable[Module], users: Users = None) -> sa.Select:
    """(user_id, module_slug, completed_at) for every one of `modules` completed by `users`
    (everyone when None), worked out from the quiz attempts in two GROUP BYs: the first pass
    at each lesson, then the modules with all lessons passed and the last of those passes."""
    modules = tuple(modules)
    scope = [QuizAttempt.user_id.in_(users)] if users is not None else []
    passes = (sa.select(QuizAttempt.user_id, QuizAttempt.module_slug,
                        sa.func.min(QuizAttempt.submitted_at).label("passed_at"))
              .where(QuizAttempt.passed, *scope,
                     in_lessons(modules, QuizAttempt.module_slug, QuizAttempt.lesson_slug))
              .group_by(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.lesson_slug)
              .subquery("first_passes"))
    size = sa.case({m.slug: len(m.lessons) for m in modules}, value=passes.c.module_slug,
                   else_=-1)
    return (sa.select(passes.c.user_id, passes.c.module_slug,
                      sa.func.max(passes.c.passed_at).label("completed_at"))
            .group_by(passes.c.user_id, passes.c.module_slug)
            .having(sa.func.count() == size))


def record_module_completions(catalogue: Catalogue | Iterable[Module],
                              user_ids: Users = None) -> int:
    """Add the ModuleCompletion rows missing for `user_ids` (everyone when None), worked out
    from their quiz attempts in one INSERT ... SELECT; returns how many were added.

    For attempts inserted by hand (tests, bench data) and the rebuild command: passing a quiz
    through submit_attempt notes its module by itself. The caller commits.
    """
    modules = catalogue.modules if isinstance(catalogue, Catalogue) else tuple(catalogue)
    if not modules:
        return 0
    done = completions(modules, user_ids).subquery("done")
    missing = sa.select(done.c.user_id, done.c.module_slug, done.c.completed_at).where(
        ~sa.exists().where(ModuleCompletion.user_id == done.c.user_id,
                           ModuleCompletion.module_slug == done.c.module_slug))
    insert = sa.insert(ModuleCompletion).from_select(
        ["user_id", "module_slug", "completed_at"], missing)
    # Kept before the cursor closes: psycopg forgets it then for an INSERT ... SELECT.
    return db.session.execute(insert.execution_options(preserve_rowcount=True)).rowcount


def rebuild_module_completions(catalogue: Catalogue, user_ids: Users = None) -> int:
    """Work every ModuleCompletion of `user_ids` (everyone when None) out again from the quiz
    attempts, after the course's lessons changed; returns how many there are now.

    The caller commits (until then other requests see the old rows).
    """
    old = sa.delete(ModuleCompletion)
    if user_ids is not None:
        old = old.where(ModuleCompletion.user_id.in_(user_ids))
    db.session.execute(old)
    return record_module_completions(catalogue, user_ids)


def record_completion(user_id: int, module: Module) -> None:
    """Note that the participant completed `module`, if they just did (all its lessons passed)
    and it was not noted before.

    Two passes at once take turns on a lock on the participant's row (PostgreSQL), so the
    later one sees the other's attempt: passing the last two lessons at once completes the
    module. Passing the last lesson twice at once stores it once: the later insert fails on
    the unique constraint and is rolled back to its savepoint.
    """
    noted = sa.select(ModuleCompletion.id).filter_by(user_id=user_id, module_slug=module.slug)
    if db.session.scalar(noted):
        return
    # FOR NO KEY UPDATE: unlike FOR UPDATE it does not wait on the other request's attempt,
    # whose foreign key holds a KEY SHARE lock on the same row (that would deadlock).
    db.session.execute(sa.select(User.id).where(User.id == user_id)
                       .with_for_update(key_share=True))
    try:
        with db.session.begin_nested():
            record_module_completions((module,), (user_id,))
    except IntegrityError:
        pass
