"""Organisations and their staff: creating, switching off and on, and assigning groups.

Services take and return plain objects, `flush` but never commit, and raise AdminError (or
accounts' AccountError) with a rule code that the routes turn into words.
"""

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from housingschool.accounts.models import Organisation, User
from housingschool.accounts.services import create_user
from housingschool.admin.codes import NewCode, cancel_codes, make_code, open_codes
from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.i18n import BY_CODE
from housingschool.teaching.models import Group, Membership

# Roles a coordinator (or admin) may give on the staff page; admins are made from the CLI.
STAFF_ROLES = ("teacher", "coordinator")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
RETENTION_RANGE = (1, 120)


class AdminError(ValueError):
    """A request the rules do not allow; `code` says which rule, `detail` what was wrong."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


# -- organisations -----------------------------------------------------------------------------

@dataclass(frozen=True)
class OrganisationSettings:
    """What an admin chooses for an organisation (coordinators: the last two)."""

    name: str
    slug: str
    default_language: str
    required_modules: list[str]
    retention_months: int


def check_modules(catalogue: Catalogue, slugs: list[str]) -> list[str]:
    """The chosen module slugs in course order; AdminError naming any unknown one."""
    unknown = [slug for slug in slugs if catalogue.module(slug) is None]
    if unknown:
        raise AdminError("unknown_module", ", ".join(unknown))
    chosen = set(slugs)
    return [module.slug for module in catalogue.modules if module.slug in chosen]


def _check_retention(months: int) -> int:
    low, high = RETENTION_RANGE
    if not low <= months <= high:
        raise AdminError("retention_range")
    return months


def _check_settings(settings: OrganisationSettings, catalogue: Catalogue,
                    organisation: Organisation | None) -> OrganisationSettings:
    name, slug = settings.name.strip(), settings.slug.strip().lower()
    if not name:
        raise AdminError("name_missing")
    if not SLUG.match(slug):
        raise AdminError("slug_format")
    taken = db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug))
    if taken and (organisation is None or taken != organisation.id):
        raise AdminError("slug_taken")
    if settings.default_language not in BY_CODE:
        raise AdminError("language_unknown")
    return OrganisationSettings(name[:200], slug, settings.default_language,
                                check_modules(catalogue, settings.required_modules),
                                _check_retention(settings.retention_months))


def create_organisation(settings: OrganisationSettings, catalogue: Catalogue,
                        coordinator_username: str, coordinator_name: str,
                        made_by: User) -> tuple[Organisation, NewCode]:
    """A new organisation with its first coordinator, who gets a one-time set-up code."""
    settings = _check_settings(settings, catalogue, None)
    organisation = Organisation(**vars(settings))
    db.session.add(organisation)
    coordinator = _new_account(organisation, coordinator_username, coordinator_name,
                               "coordinator")
    return organisation, make_code(coordinator, made_by)


def update_organisation(organisation: Organisation, settings: OrganisationSettings,
                        catalogue: Catalogue) -> Organisation:
    """Change an organisation's name, slug, language, required modules and retention."""
    for key, value in vars(_check_settings(settings, catalogue, organisation)).items():
        setattr(organisation, key, value)
    return organisation


def update_course_rules(organisation: Organisation, required_modules: list[str],
                        retention_months: int, catalogue: Catalogue) -> Organisation:
    """The coordinator's part: which modules a certificate needs, and the retention time."""
    modules = check_modules(catalogue, required_modules)
    organisation.retention_months = _check_retention(retention_months)
    organisation.required_modules = modules
    return organisation


def organisation_overview() -> list[tuple[Organisation, int, int]]:
    """Every organisation with its number of active staff and of participants, by name."""
    staff = sa.func.count(User.id).filter(User.role.in_(STAFF_ROLES), User.active.is_(True))
    participants = sa.func.count(User.id).filter(User.role == "participant",
                                                 User.anonymised_at.is_(None))
    rows = db.session.execute(
        sa.select(Organisation, staff, participants)
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id).order_by(Organisation.name))
    return [tuple(row) for row in rows]


# -- staff -------------------------------------------------------------------------------------

def _new_account(organisation: Organisation, username: str, display_name: str,
                 role: str) -> User:
    if role not in STAFF_ROLES:
        raise AdminError("role_not_allowed")
    # Nobody knows this password: the person chooses their own with the one-time code.
    return create_user(organisation, username, display_name, role, secrets.token_urlsafe(32))


def create_staff(organisation: Organisation, username: str, display_name: str, role: str,
                 made_by: User) -> NewCode:
    """A teacher or coordinator account, and the one-time code to set its password."""
    return make_code(_new_account(organisation, username, display_name, role), made_by)


@dataclass(frozen=True)
class StaffRow:
    """One line of the staff page."""

    user: User
    groups: list[Group]
    code_expires_at: datetime | None  # a set-up or reset code is waiting to be used


def staff_of(organisation: Organisation) -> list[StaffRow]:
    """The organisation's teachers and coordinators (active first) with the groups they teach.

    Three queries whatever the number of staff.
    """
    people = db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation.id,
                              User.role.in_(STAFF_ROLES))
        .order_by(User.active.desc(), User.display_name, User.username)).all()
    groups = defaultdict(list)
    for user_id, group in db.session.execute(
            sa.select(Membership.user_id, Group).join(Group, Group.id == Membership.group_id)
            .where(Membership.user_id.in_([p.id for p in people]))
            .order_by(Group.archived, Group.name)):
        groups[user_id].append(group)
    codes = open_codes([p.id for p in people])
    return [StaffRow(p, groups[p.id] if p.role == "teacher" else [], codes.get(p.id))
            for p in people]


def get_staff(organisation: Organisation, user_id: int) -> User | None:
    """A teacher or coordinator of this organisation, or None (participants and admins too)."""
    return db.session.scalar(
        sa.select(User).where(User.id == user_id, User.organisation_id == organisation.id,
                              User.role.in_(STAFF_ROLES)))


def deactivate(user: User, by: User) -> None:
    """Switch an account off: it cannot sign in, its open codes stop working, its history stays.

    Nobody can switch themselves off, so an organisation always keeps someone who can undo it.
    """
    if user.id == by.id:
        raise AdminError("not_yourself")
    if user.active:
        user.active, user.deactivated_at = False, datetime.now(UTC)
        cancel_codes(user)


def reactivate(user: User) -> None:
    """Switch an account back on; the old password works again, an old session cookie not."""
    user.active, user.deactivated_at = True, None
    user.end_sessions()


def teacher_groups(user: User) -> set[int]:
    """Ids of the groups a teacher is a member of."""
    return set(db.session.scalars(sa.select(Membership.group_id).where(
        Membership.user_id == user.id)))


def organisation_groups(organisation: Organisation) -> list[Group]:
    """The organisation's groups: current ones first, then archived, by name."""
    return list(db.session.scalars(sa.select(Group).where(
        Group.organisation_id == organisation.id).order_by(Group.archived, Group.name)))


def assign_groups(teacher: User, group_ids: list[int]) -> tuple[int, int]:
    """Make the teacher a member of exactly these groups of their organisation.

    Returns (added, removed). AdminError if an id is not one of the organisation's groups.
    """
    if teacher.role != "teacher":
        raise AdminError("not_teacher")
    wanted = set(group_ids)
    own = set(db.session.scalars(sa.select(Group.id).where(
        Group.organisation_id == teacher.organisation_id, Group.id.in_(wanted))))
    if wanted - own:
        raise AdminError("unknown_group", ", ".join(str(i) for i in sorted(wanted - own)))
    current = teacher_groups(teacher)
    for group_id in wanted - current:
        db.session.add(Membership(group_id=group_id, user_id=teacher.id))
    if current - wanted:
        db.session.execute(sa.delete(Membership).where(
            Membership.user_id == teacher.id, Membership.group_id.in_(current - wanted)))
    db.session.flush()
    return len(wanted - current), len(current - wanted)
