"""Certificate rules: who has completed the course, issuing, revoking, and who may see what.

Services add and flush; the route commits. Nothing here reads the request.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from housingschool.accounts.models import User, utcnow
from housingschool.content.catalogue import Catalogue, Module
from housingschool.extensions import db
from housingschool.learning.services import progress
from housingschool.reports.models import Certificate
from housingschool.reports.queries import ATTENDED
from housingschool.teaching.access import managed_groups
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership

OSLO = ZoneInfo("Europe/Oslo")
NUMBER_PREFIX = "BS"
CODE_BYTES = 24  # 192 random bits: 32 URL-safe characters, never guessed


class CertificateError(Exception):
    """A rule that stops a certificate from being issued or revoked; `code` names the rule."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Eligibility:
    """Where a participant stands towards the certificate."""

    required: tuple[Module, ...]  # what their organisation requires, in course order
    completed: tuple[Module, ...]  # every module they have completed, required or not
    minutes: int  # minutes attended (present or late)

    @property
    def missing(self) -> tuple[Module, ...]:
        """Required modules not completed yet."""
        done = {m.slug for m in self.completed}
        return tuple(m for m in self.required if m.slug not in done)

    @property
    def eligible(self) -> bool:
        return not self.missing

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def required_modules(slugs: list[str], catalogue: Catalogue) -> tuple[Module, ...]:
    """The organisation's required modules in course order; none chosen means every module.

    Slugs no longer in the catalogue are ignored, so removed content never blocks anyone.
    """
    chosen = set(slugs or ())
    known = tuple(m for m in catalogue.modules if m.slug in chosen)
    return known or catalogue.modules


def minutes_attended(user: User) -> int:
    """Minutes the participant was present or late at their organisation's sessions."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Attendance.minutes), 0))
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .join(Group, Group.id == GroupSession.group_id)
        .where(Attendance.user_id == user.id, Attendance.status.in_(ATTENDED),
               Group.organisation_id == user.organisation_id)) or 0


def eligibility(user: User, catalogue: Catalogue) -> Eligibility:
    """Whether `user` has completed every required module (learning's own rules), and hours."""
    statuses = progress(user.id, catalogue)
    completed = tuple(s.module for s in statuses.values() if s.done)
    return Eligibility(required_modules(user.organisation.required_modules, catalogue),
                       completed, minutes_attended(user))


def visible_participants(viewer: User) -> sa.Select:
    """A query for the participants `viewer` may look after: coordinators and admins see
    their organisation's, teachers those in groups they teach, everyone else nobody."""
    query = sa.select(User).where(User.organisation_id == viewer.organisation_id,
                                  User.role == "participant")
    if viewer.role in ("coordinator", "admin"):
        return query
    if viewer.role == "teacher":
        taught = managed_groups(viewer).with_only_columns(Group.id)
        return query.where(User.id.in_(
            sa.select(Membership.user_id).where(Membership.group_id.in_(taught))))
    return query.where(sa.false())


def visible_participant(viewer: User, user_id: int | None) -> User | None:
    """The participant with this id if `viewer` may look after them."""
    if user_id is None:
        return None
    return db.session.scalar(visible_participants(viewer).where(User.id == user_id))


def may_see(viewer: User, certificate: Certificate) -> bool:
    """The holder, their teachers, and their organisation's coordinators and admins."""
    if certificate.organisation_id != viewer.organisation_id:
        return False
    if certificate.user_id is not None and certificate.user_id == viewer.id:
        return True
    if viewer.role in ("coordinator", "admin"):
        return True
    return visible_participant(viewer, certificate.user_id) is not None


def find_by_number(number: str) -> Certificate | None:
    """The certificate with this printed number, if any (callers check who may see it)."""
    if not number or len(number) > 40 or "\x00" in number:  # PostgreSQL cannot compare NUL
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == number))


def find_by_code(code: str) -> Certificate | None:
    """The certificate whose secret verify code this is, if any."""
    if not code or len(code) > 40 or "\x00" in code:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def certificates_of(user: User) -> list[Certificate]:
    """A participant's certificates, newest first."""
    return list(db.session.scalars(sa.select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.issued_at.desc(),
                                             Certificate.id.desc())))


def organisation_certificates(organisation_id: int) -> list[Certificate]:
    """Every certificate an organisation issued, newest first."""
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.organisation_id == organisation_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def next_number(year: int) -> str:
    """The next free number of the year, e.g. BS-2026-00042 (one series for the whole site)."""
    prefix = f"{NUMBER_PREFIX}-{year}-"
    highest = db.session.scalar(
        sa.select(sa.func.max(sa.cast(sa.func.substr(Certificate.number, len(prefix) + 1),
                                      sa.Integer)))
        .where(Certificate.number.like(f"{prefix}%")))
    return f"{prefix}{(highest or 0) + 1:05d}"


def new_code() -> str:
    """A secret for the verify link: only someone holding the certificate can know it."""
    return secrets.token_urlsafe(CODE_BYTES)


def issue(user: User, issuer: User, language: str, catalogue: Catalogue,
          now: datetime | None = None) -> Certificate:
    """Issue a certificate to a participant who has completed the course.

    The name, modules and hours are copied in, so the certificate keeps saying what it said.
    Raises CertificateError("anonymised") or CertificateError("not_eligible").
    """
    if user.anonymised_at is not None:
        raise CertificateError("anonymised")
    status = eligibility(user, catalogue)
    if not status.eligible:
        raise CertificateError("not_eligible")
    issued_at = now or utcnow()
    for _attempt in range(5):  # two issued at the same moment: the second takes the next number
        certificate = Certificate(
            organisation_id=user.organisation_id, user_id=user.id,
            number=next_number(issued_at.astimezone(OSLO).year), code=new_code(),
            holder_name=user.display_name, language=language,
            modules=[m.slug for m in status.completed], minutes_attended=status.minutes,
            issued_at=issued_at, issued_by_id=issuer.id)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            continue
        return certificate
    raise CertificateError("busy")


def revoke(certificate: Certificate, by: User, reason: str) -> Certificate:
    """Withdraw a certificate: it stays listed, and its verify page says it is not valid."""
    if certificate.revoked_at is not None:
        raise CertificateError("already_revoked")
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = by.id
    certificate.revoke_reason = reason.strip()[:200]
    db.session.flush()
    return certificate


def initials(name: str) -> str:
    """"Amina Karimi" -> "A. K.": first and last name only, so the verify page shows little."""
    parts = [part for part in name.replace("-", " ").split() if part[0].isalpha()]
    if not parts:
        return "–"
    chosen = parts if len(parts) < 2 else [parts[0], parts[-1]]
    return " ".join(f"{part[0].upper()}." for part in chosen)
