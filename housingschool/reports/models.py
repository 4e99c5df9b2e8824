"""The audit log: who viewed or exported whose personal data, and when."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from housingschool.accounts.models import utcnow
from housingschool.extensions import db


class AuditEvent(db.Model):
    """One view or export of personal data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(sa.String(40))  # e.g. "export.hours.csv"
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
