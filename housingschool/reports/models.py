"""The audit log, certificates and local notes."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housingschool.accounts.models import Organisation, User, utcnow
from housingschool.extensions import db


class AuditEvent(db.Model):
    """One view or export of personal data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(sa.String(40))  # e.g. "export.hours.csv"
    # Whose data, when the event is about one person (a participant's page, a certificate).
    subject_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 index=True)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


class Certificate(db.Model):
    """A course certificate (kursbevis). What it says is copied in when it is issued, so the
    verify page shows what the PDF shows even if the participant is anonymised later."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)  # printed, e.g. BS-2026-0042
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # secret, in the verify link
    holder_name: Mapped[str] = mapped_column(sa.String(80))
    language: Mapped[str] = mapped_column(sa.String(10))  # the second language on the PDF
    modules: Mapped[list] = mapped_column(sa.JSON, default=list)  # slugs completed
    minutes_attended: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class LocalNote(db.Model):
    """An organisation's own note on a lesson, in one language (bins, laundry, who to call)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    module_slug: Mapped[str] = mapped_column(sa.String(60))
    lesson_slug: Mapped[str] = mapped_column(sa.String(60))
    language: Mapped[str] = mapped_column(sa.String(10))
    text: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "module_slug", "lesson_slug", "language"),
    )
