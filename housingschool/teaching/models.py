"""Groups (classes), their sessions, attendance, and live class state."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housingschool.accounts.models import Organisation, User, utcnow
from housingschool.extensions import db

ATTENDANCE_STATUSES = ("present", "late", "excused", "absent")


class Group(db.Model):
    """A class run by an organisation; participants join it with its join code."""

    __tablename__ = "course_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    join_code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    # e.g. ["nb", "ar"]; the server default filled in groups made before the column existed
    languages: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)


class Membership(db.Model):
    """A user in a group: a participant who joined, or a teacher who runs it (by user role)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("course_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    group: Mapped[Group] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("group_id", "user_id"),)


class GroupSession(db.Model):
    """A group meeting: when and where, what it covers, and its self check-in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_group.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    lessons: Mapped[list] = mapped_column(sa.JSON, default=list)  # "module" or "module/lesson"
    interpreter_languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    checkin_code: Mapped[str | None] = mapped_column(sa.String(12))
    checkin_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    group: Mapped[Group] = relationship()

    @property
    def minutes(self) -> int:
        """The session's length in whole minutes."""
        return max(0, int((self.ends_at - self.starts_at).total_seconds() // 60))


class Attendance(db.Model):
    """A participant at a session: status, minutes, and who marked it how."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("group_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10))
    minutes: Mapped[int]
    method: Mapped[str] = mapped_column(sa.String(10))  # "teacher" or "self"
    device_id: Mapped[str | None] = mapped_column(sa.String(64))  # self check-in only
    marked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    marked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    marked_by: Mapped[User] = relationship(foreign_keys=[marked_by_id])

    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.CheckConstraint(sa.column("status").in_(ATTENDANCE_STATUSES), name="status"),
    )


class AttendanceChange(db.Model):
    """One change to an attendance row, kept so corrections show who changed what and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendance.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    old_status: Mapped[str | None] = mapped_column(sa.String(10))
    new_status: Mapped[str] = mapped_column(sa.String(10))
    old_minutes: Mapped[int | None]
    new_minutes: Mapped[int]
    method: Mapped[str] = mapped_column(sa.String(10))

    changed_by: Mapped[User] = relationship()


class LiveClass(db.Model):
    """What a group's projector shows now; in the database so every app server sees it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_group.id", ondelete="CASCADE"), unique=True)
    module_slug: Mapped[str] = mapped_column(sa.String(60))
    lesson_slug: Mapped[str] = mapped_column(sa.String(60))
    slide: Mapped[int] = mapped_column(default=0)
    phase: Mapped[str] = mapped_column(sa.String(12), default="slides")  # slides/quiz/revealed
    question_index: Mapped[int] = mapped_column(default=0)
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship()


class LiveAnswer(db.Model):
    """A participant's answer to one question of a live quiz."""

    id: Mapped[int] = mapped_column(primary_key=True)
    live_id: Mapped[int] = mapped_column(sa.ForeignKey("live_class.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(sa.String(60))
    options: Mapped[list] = mapped_column(sa.JSON)
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("live_id", "user_id", "question_id"),)
