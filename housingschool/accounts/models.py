"""Organisations and the people who use the site."""

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housingschool.extensions import db

ROLES = ("participant", "teacher", "coordinator", "admin")
SECRET_KINDS = ("password", "pin", "pictures")


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


class Organisation(db.Model):
    """A municipality, NAV office or NGO that runs a boligskole."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    default_language: Mapped[str] = mapped_column(sa.String(10), default="nb")
    # Module slugs a participant must complete for a certificate; empty means every module.
    required_modules: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Participants inactive this long are anonymised by `flask privacy retention`.
    retention_months: Mapped[int] = mapped_column(default=24, server_default="24")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class User(UserMixin, db.Model):
    """Anyone who signs in. No email or national ID: a username and a display name are enough."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    stored_name: Mapped[str] = mapped_column("display_name", sa.String(80))
    role: Mapped[str] = mapped_column(sa.String(20), default="participant")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # What password_hash holds: a "password", a "pin" or "pictures" (3 of 12, in order).
    secret_kind: Mapped[str] = mapped_column(sa.String(10), default="password",
                                             server_default="password")
    # Bigger type on every page (the participant chose it; visitors keep it in the session).
    large_text: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    # Raised by signing out and by switching the account back on: see get_id.
    session_version: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    language: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # A deactivated account cannot sign in and keeps its history.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    deactivated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The participant asked for their data to be deleted (a coordinator carries it out).
    deletion_requested_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Name and username replaced; attendance stays as anonymous counts.
    anonymised_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)

    @hybrid_property
    def display_name(self) -> str:
        """The name to show; an anonymised participant's in the reader's own language."""
        if self.anonymised_at is not None and has_request_context():
            return gettext("Deleted participant")
        return self.stored_name

    @display_name.inplace.setter
    def _display_name_setter(self, value: str) -> None:
        self.stored_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return cls.stored_name

    def get_id(self) -> str:
        """What the session cookie keeps: the id and a fingerprint of the password hash and the
        session version. A new password or PIN signs the account out everywhere else; signing
        out, or being switched off and on again, ends every session, so a copied cookie dies."""
        return f"{self.id}:{self.session_fingerprint}"

    @property
    def session_fingerprint(self) -> str:
        material = f"{self.password_hash}:{self.session_version or 0}"
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Make every session cookie of this account invalid (the caller commits)."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:
        """Flask-Login asks this: deactivated and anonymised accounts cannot sign in."""
        return self.active and self.anonymised_at is None

    def has_role(self, *roles: str) -> bool:
        """Whether the user has one of these roles."""
        return self.role in roles


class ResetCode(db.Model):
    """A one-time code a coordinator hands a staff member to choose a new password.

    Only a hash is stored; the code is shown once, to the coordinator who made it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
