"""The role matrix, part 2: teachers', coordinators' and admins' pages.

Who is who (matrix_world.py): T1 teaches A1 (P1's group), T2 teaches A2, C coordinates all of
organisation A, ADMIN_B is an admin whose account belongs to organisation B.

The rules, as the code (role_required, teaching/access.py) and the README give them:
- Teaching pages: staff only (participants 403). A teacher manages the groups they teach; a
  coordinator or admin every group of their own organisation. Any other group, session or
  participant is a 404, so ids reveal nothing.
- Reports, exports, certificates list, deletion requests, local notes, staff pages:
  coordinators and admins (teachers 403), always of their own organisation. B's admin may
  open them, but sees and changes only B's (they are `scoped`, or 404 for A's ids).
- Organisations and the audit log: admins only (coordinators 403), across organisations.
  That is the admin role as the README defines it: admins set up organisations and their
  first coordinator, and read the audit log of who looked at whose data. They do not get
  A's participants' pages, reports or certificates.
"""

from datetime import date, timedelta

from housingschool.accounts.models import Organisation, ResetCode, User
from housingschool.extensions import db
from housingschool.reports.models import Certificate, LocalNote
from housingschool.teaching.models import Attendance, Group, GroupSession, LiveClass, Membership
from tests.security.matrix_case import (
    A1_STAFF,
    MANAGERS,
    STAFF,
    both,
    get,
    post,
    rows,
    value,
    values,
)
from tests.security.matrix_world import ADMIN_B, ANON, C

GROUP = "/teach/groups/{a1}"
SESSION = "/teach/sessions/{s1}"
NEXT_WEEK = (date.today() + timedelta(days=7)).isoformat()
SESSION_FORM = {"day": NEXT_WEEK, "start": "10:00", "end": "11:30", "place": "Room 9",
                "lessons": [], "notes": ""}
ORGANISATION_FORM = {"name": "Alfa renamed", "slug": "alpha", "default_language": "nb",
                     "retention_months": "24", "required_modules": ["waste"]}


A1_LIVE = both(*(value(column, "live") for column in (
    LiveClass.module_slug, LiveClass.lesson_slug, LiveClass.phase, LiveClass.slide)))


def _user_in_a(world):
    return User.organisation_id == world.org_a


def _revoked_at(world):
    return db.session.scalar(db.select(Certificate.revoked_at).where(
        Certificate.number == world.certificate))


CASES = [
    # -- Teaching: any staff member, on the groups they manage ----------------------------------
    # Every staff member has a dashboard and may start a group, in their own organisation.
    get("teaching.dashboard", "/teach/", STAFF),
    get("teaching.new_group", "/teach/groups/new", STAFF),
    post("teaching.new_group", "/teach/groups/new", STAFF, {"name": "Ny gruppe"}, rows(Group)),
    # A1's pages: T1 (teaches it) and C (coordinates A); T2 and B's admin get 404.
    get("teaching.group", GROUP, A1_STAFF),
    get("teaching.join_sheet", GROUP + "/join-sheet", A1_STAFF),
    get("teaching.add_participants", GROUP + "/participants/add", A1_STAFF),
    post("teaching.add_participants", GROUP + "/participants/add", A1_STAFF,
         {"names": "Nora Newname"}, rows(Membership, lambda world: Membership.group_id ==
                                         world.a1)),
    post("teaching.reset_pin", GROUP + "/participants/{p1}/reset-pin", A1_STAFF, {},
         value(User.password_hash, "p1")),
    post("teaching.reset_pictures", GROUP + "/participants/{p1}/new-pictures", A1_STAFF, {},
         value(User.password_hash, "p1")),
    # Moving P1 to A2 needs both groups: C has them; T1 does not teach A2 (404).
    post("teaching.move_participant", GROUP + "/participants/{p1}/move", {C},
         {"target": "{a2}"},
         values(Membership.group_id, lambda world: Membership.user_id == world.p1)),
    post("teaching.archive_group", GROUP + "/archive", A1_STAFF, {}, value(Group.archived, "a1")),
    get("teaching.plan_session", GROUP + "/sessions/new", A1_STAFF, variant="new"),
    post("teaching.plan_session", GROUP + "/sessions/new", A1_STAFF, SESSION_FORM,
         rows(GroupSession, lambda world: GroupSession.group_id == world.a1), variant="new"),
    get("teaching.plan_session", SESSION + "/edit", A1_STAFF, variant="edit"),
    post("teaching.plan_session", SESSION + "/edit", A1_STAFF, SESSION_FORM,
         value(GroupSession.place, "s1"), variant="edit"),
    get("teaching.session", SESSION, A1_STAFF),
    get("teaching.attendance_sheet", SESSION + "/sheet", A1_STAFF),
    post("teaching.mark", SESSION + "/attendance/{p1}", A1_STAFF, {"status": "absent"},
         values(Attendance.status, lambda world: (Attendance.session_id == world.s1)
                & (Attendance.user_id == world.p1))),
    get("teaching.checkin_screen", SESSION + "/checkin", A1_STAFF),
    post("teaching.checkin_control", SESSION + "/checkin/new-code", A1_STAFF, {},
         value(GroupSession.checkin_code, "s1")),
    get("schedule.group_progress", GROUP + "/progress", A1_STAFF),
    get("live.projector", GROUP + "/live", A1_STAFF),
    # The projector's script gets JSON errors: 401 when signed out.
    get("live.projector_state", GROUP + "/live/state.json", A1_STAFF, refused={ANON: 401}),
    post("live.start", GROUP + "/live/start", A1_STAFF, {"lesson": "{other_lesson}"}, A1_LIVE),
    post("live.act", GROUP + "/live/reveal", A1_STAFF, {}, A1_LIVE),
    # Teachers issue certificates to participants they teach (the code and the certificate
    # tests say so); coordinators to anyone in the organisation.
    get("certificates.participant", "/certificates/participants/{p1}", A1_STAFF),
    post("certificates.participant", "/certificates/participants/{p1}", A1_STAFF,
         {"language": "nb"}, rows(Certificate, lambda world: Certificate.user_id == world.p1)),

    # -- Coordinators and admins, each in their own organisation --------------------------------
    get("reports.overview", "/reports/", MANAGERS),
    get("reports.completion", "/reports/completion", MANAGERS),
    get("reports.completion", "/reports/completion?format=csv", MANAGERS, variant="csv"),
    get("reports.completion", "/reports/completion?group={a1}", {C}, variant="group"),
    get("reports.hours", "/reports/hours", MANAGERS),
    get("reports.hours", "/reports/hours?format=xlsx", MANAGERS, variant="xlsx"),
    get("reports.hours", "/reports/hours?format=csv&group={a1}", {C}, variant="group-csv"),
    get("reports.group", "/reports/groups/{a1}", {C}),
    get("reports.participant", "/reports/participants/{p1}", {C}),
    get("certificates.index", "/certificates", MANAGERS),
    # Withdrawing is for coordinators (teachers 403); B's admin cannot find A's certificate.
    get("certificates.revoke", "/certificates/{certificate}/revoke", {C}),
    post("certificates.revoke", "/certificates/{certificate}/revoke", {C},
         {"reason": "Given to the wrong person"},
         _revoked_at),
    get("privacy.requests", "/privacy/requests", MANAGERS),
    get("privacy.participant", "/privacy/participants/{p1}", {C}),
    get("privacy.remove", "/privacy/participants/{p1}/anonymise", {C}),
    post("privacy.remove", "/privacy/participants/{p1}/anonymise", {C}, {},
         value(User.anonymised_at, "p1")),
    # Local notes belong to the organisation: B's admin edits B's note, never A's.
    get("privacy.local_notes", "/local-notes/{module}/{lesson}", MANAGERS),
    post("privacy.local_notes", "/local-notes/{module}/{lesson}", {C},
         {"note_nb": "Nytt notat"},
         values(LocalNote.text, lambda world: LocalNote.organisation_id == world.org_a),
         scoped={ADMIN_B}),
    get("admin.staff", "/staff", MANAGERS),
    get("admin.new_staff", "/staff/new", MANAGERS),
    post("admin.new_staff", "/staff/new", {C},
         {"display_name": "Siri Staff", "username": "siri.staff", "role": "teacher"},
         rows(User, _user_in_a), scoped={ADMIN_B}),
    get("admin.course_rules", "/staff/settings", MANAGERS),
    post("admin.course_rules", "/staff/settings", {C},
         {"retention_months": "36", "required_modules": ["waste", "cleaning"]},
         both(value(Organisation.retention_months, "org_a"),
              value(Organisation.required_modules, "org_a")), scoped={ADMIN_B}),
    # One staff member of A: B's admin gets 404 (their staff pages list B's staff only).
    get("admin.deactivate", "/staff/{t1}/deactivate", {C}),
    post("admin.confirm_deactivate", "/staff/{t1}/deactivate", {C}, {}, value(User.active, "t1")),
    post("admin.reactivate", "/staff/{t_off}/reactivate", {C}, {}, value(User.active, "t_off")),
    post("admin.new_code", "/staff/{t1}/code", {C}, {},
         rows(ResetCode, lambda world: ResetCode.user_id == world.t1)),
    get("admin.teacher_groups", "/staff/{t1}/groups", {C}),
    post("admin.teacher_groups", "/staff/{t1}/groups", {C}, {"groups": ["{a1}", "{a2}"]},
         values(Membership.group_id, lambda world: Membership.user_id == world.t1)),

    # -- Admins: every organisation, and the audit log ------------------------------------------
    get("admin.organisations", "/admin/organisations", {ADMIN_B}),
    get("admin.new_organisation", "/admin/organisations/new", {ADMIN_B}),
    post("admin.new_organisation", "/admin/organisations/new", {ADMIN_B},
         {**ORGANISATION_FORM, "name": "Gamma", "slug": "gamma",
          "coordinator_username": "gamma.coord", "coordinator_name": "Gamma Coord"},
         rows(Organisation)),
    get("admin.edit_organisation", "/admin/organisations/{org_a}", {ADMIN_B}),
    post("admin.edit_organisation", "/admin/organisations/{org_a}", {ADMIN_B},
         ORGANISATION_FORM, value(Organisation.name, "org_a")),
    post("admin.coordinator_code", "/admin/organisations/{org_a}/coordinators/{c}/code",
         {ADMIN_B}, {}, rows(ResetCode, lambda world: ResetCode.user_id == world.c)),
    # The audit log names who looked at whose data, in every organisation: that is its use.
    get("admin.audit", "/admin/audit", {ADMIN_B}, shows_every_organisation=True),
]

