"""Reading the audit log: filters, one page of events, and words for the actions."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from housingschool.accounts.models import Organisation, User
from housingschool.extensions import db
from housingschool.reports.models import AuditEvent

PAGE_SIZE = 50

# Known actions in the words an admin reads; anything else is shown as recorded.
ACTIONS = {
    "view.participant": _l("Looked at a participant's page"),
    "view.group": _l("Looked at a group's report"),
    "view.hours": _l("Looked at attendance hours"),
    "view.privacy.requests": _l("Looked at the deletion requests"),
    "export.hours.csv": _l("Downloaded attendance hours (CSV)"),
    "export.hours.xlsx": _l("Downloaded attendance hours (Excel)"),
    "export.completion.csv": _l("Downloaded completion (CSV)"),
    "export.completion.xlsx": _l("Downloaded completion (Excel)"),
    "certificate.issue": _l("Issued a certificate"),
    "certificate.download": _l("Downloaded a certificate"),
    "certificate.revoke": _l("Revoked a certificate"),
    "certificate.view": _l("Looked at a certificate"),
    "export.self": _l("Downloaded their own data"),
    "privacy.anonymise": _l("Made a participant anonymous"),
    "privacy.delete": _l("Deleted a participant"),
    "staff.create": _l("Made a staff account"),
    "staff.deactivate": _l("Switched off a staff account"),
    "staff.reactivate": _l("Switched a staff account back on"),
    "staff.reset-code": _l("Made a one-time code"),
    "staff.groups": _l("Changed a teacher's groups"),
    "organisation.create": _l("Created an organisation"),
    "organisation.update": _l("Changed an organisation's settings"),
}
ROLES = {"participant": _l("participant"), "teacher": _l("teacher"),
         "coordinator": _l("coordinator"), "admin": _l("admin")}
# Filter choices for whole families of actions ("certificate.*").
FAMILIES = {
    "view.*": _l("All views"),
    "export.*": _l("All downloads"),
    "certificate.*": _l("All certificate actions"),
    "privacy.*": _l("All privacy actions"),
    "staff.*": _l("All staff account changes"),
}


def action_label(action: str) -> str:
    """The words for an action, or the action itself if we do not know it."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


@dataclass(frozen=True)
class Filters:
    """What the admin asked to see; None means no filter."""

    organisation_id: int | None = None
    action: str | None = None  # exact, or a family ending in ".*"
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC


@dataclass(frozen=True)
class Entry:
    """One line of the audit log."""

    when: datetime
    organisation: str
    actor_name: str
    actor_role: str  # in words
    action: str
    label: str
    subject_name: str | None
    detail: dict


def _where(query: sa.Select, filters: Filters) -> sa.Select:
    if filters.organisation_id:
        query = query.where(AuditEvent.organisation_id == filters.organisation_id)
    if filters.action and filters.action.endswith(".*"):
        query = query.where(AuditEvent.action.startswith(filters.action[:-1], autoescape=True))
    elif filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.created_at < filters.until)
    return query


def events_page(filters: Filters, page: int) -> tuple[list[Entry], bool]:
    """One page of events, newest first, and whether an older page exists.

    One query however many events the page shows: names come in by joins, and one extra row
    tells whether there is a next page, so no count is needed.
    """
    actor, subject = aliased(User), aliased(User)
    query = _where(
        sa.select(AuditEvent, Organisation.name, actor.display_name, actor.role,
                  subject.display_name)
        .join(Organisation, Organisation.id == AuditEvent.organisation_id)
        .join(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id), filters)
    rows = db.session.execute(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    entries = [Entry(event.created_at, org_name, actor_name,
                     str(ROLES.get(actor_role, actor_role)), event.action,
                     action_label(event.action), subject_name, event.detail or {})
               for event, org_name, actor_name, actor_role, subject_name in rows[:PAGE_SIZE]]
    return entries, len(rows) > PAGE_SIZE


def organisation_choices() -> list[tuple[int, str]]:
    """(id, name) of every organisation, for the filter."""
    return [(org_id, name) for org_id, name in db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.name))]


def action_choices() -> list[tuple[str, str]]:
    """(value, words) for the action filter: families first, then each known action."""
    return ([(key, str(label)) for key, label in FAMILIES.items()]
            + [(key, str(label)) for key, label in ACTIONS.items()])


def day_bounds(first: date | None, last: date | None, zone) -> tuple[datetime | None,
                                                                     datetime | None]:
    """UTC bounds for whole local days from `first` to `last` (both included)."""
    since = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC) if first else None
    until = (datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
             if last else None)
    return since, until
