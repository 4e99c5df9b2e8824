"""Writing the audit log: every view of a participant's details and every export."""

from flask_login import current_user

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.reports.models import AuditEvent


def record(action: str, subject: User | None = None, **detail) -> AuditEvent:
    """Log that the signed-in user did `action` (e.g. "view.participant", "export.hours.csv").

    The event joins the current database transaction; the caller commits.
    """
    event = AuditEvent(organisation_id=current_user.organisation_id, actor_id=current_user.id,
                       action=action, subject_id=subject.id if subject is not None else None,
                       detail=detail)
    db.session.add(event)
    return event
