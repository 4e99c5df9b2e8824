"""Organisations and staff: admins create organisations, coordinators manage their staff.

This module is the blueprint's map of URLs; the views live in the *_pages modules beside it.
"""

from flask import Blueprint

from housingschool.admin import audit_page, organisation_pages, reset_page, staff_pages

bp = Blueprint("admin", __name__)

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

URLS = [
    # Admins: every organisation, and the audit log.
    ("/admin/organisations", organisation_pages.organisations, GET),
    ("/admin/organisations/new", organisation_pages.new_organisation, BOTH),
    ("/admin/organisations/<int:organisation_id>", organisation_pages.edit_organisation, BOTH),
    ("/admin/organisations/<int:organisation_id>/coordinators/<int:user_id>/code",
     organisation_pages.coordinator_code, POST),
    ("/admin/audit", audit_page.audit, GET),
    # Coordinators (and admins) of an organisation: its staff and its course rules.
    ("/staff", staff_pages.staff, GET),
    ("/staff/new", staff_pages.new_staff, BOTH),
    ("/staff/<int:user_id>/deactivate", staff_pages.deactivate, GET),
    ("/staff/<int:user_id>/deactivate", staff_pages.confirm_deactivate, POST),
    ("/staff/<int:user_id>/reactivate", staff_pages.reactivate, POST),
    ("/staff/<int:user_id>/code", staff_pages.new_code, POST),
    ("/staff/<int:user_id>/groups", staff_pages.teacher_groups, BOTH),
    ("/staff/settings", staff_pages.course_rules, BOTH),
    # Anyone with a one-time code.
    ("/reset", reset_page.reset, BOTH),
]

for rule, view, methods in URLS:
    bp.add_url_rule(rule, view_func=view, methods=methods)
