"""What participants did: lessons opened and completed, quiz attempts.

Content is referred to by stable slugs (module, lesson), never by foreign key: the course lives
in files under version control.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from housingschool.accounts.models import utcnow
from housingschool.extensions import db


class LessonProgress(db.Model):
    """A participant opened a lesson: when first, and in which language.

    Completion is not stored here: it follows from the quiz attempts (see learning/services.py).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(60))
    lesson_slug: Mapped[str] = mapped_column(sa.String(60))
    language: Mapped[str] = mapped_column(sa.String(10))
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "module_slug", "lesson_slug"),)


class QuizAttempt(db.Model):
    """One submitted quiz. `attempt_id` comes from the form, so a re-sent form is stored once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[str] = mapped_column(sa.String(36))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(60))
    lesson_slug: Mapped[str] = mapped_column(sa.String(60))
    answers: Mapped[dict] = mapped_column(sa.JSON)
    score: Mapped[int]
    passed: Mapped[bool]
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "attempt_id"),
        # With `passed`, "has this lesson been passed?" is answered from the index alone.
        sa.Index("ix_quiz_attempt_user_lesson", "user_id", "module_slug", "lesson_slug",
                 "passed"),
        # Failed attempts only (about a third): the reports' "failed again and again" query
        # reads this small index instead of every attempt.
        sa.Index("ix_quiz_attempt_failed", "user_id", "module_slug", "lesson_slug",
                 postgresql_where=sa.text("NOT passed"), sqlite_where=sa.text("passed = 0")),
    )


class ModuleCompletion(db.Model):
    """A participant completed a module: when the last of its lessons was first passed.

    Derived from the quiz attempts (the rule is in learning/services.py) and kept so reports
    for a whole organisation need not read every attempt. Written when a quiz is passed;
    `flask learning rebuild-completions` works it out again after the course changes.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(sa.String(60))
    completed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.UniqueConstraint("user_id", "module_slug"),)
