"""A coordinator manages the staff of their organisation: accounts, codes, groups, switching off."""

import sqlalchemy as sa
from flask import current_app

from housingschool.accounts.models import Organisation, User
from housingschool.extensions import db
from housingschool.reports.models import AuditEvent
from housingschool.teaching.models import Attendance, Membership
from tests.admin.helpers import PASSWORD, logout, shown_code, use_code


def _coordinator(factory, org=None):
    org = org or factory.org()
    return factory.user("kari", "coordinator", PASSWORD, organisation=org,
                        display_name="Kari Nordmann")


def _new_teacher(client, username="tove", name="Tove Hansen") -> str:
    response = client.post_form("/staff/new", {"display_name": name, "username": username,
                                               "role": "teacher"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return shown_code(response)


def _user(username) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_new_teacher_gets_groups_and_sees_them_on_my_groups(client, client_for, app, factory):
    kari = _coordinator(factory)
    spring = factory.group(kari.organisation, "Spring", "SPR1")
    autumn = factory.group(kari.organisation, "Autumn", "AUT1")
    factory.group(kari.organisation, "Evening", "EVE1")
    client.login("kari", PASSWORD)
    code = _new_teacher(client)
    tove = _user("tove")
    assert (tove.role, tove.organisation_id, tove.display_name) == (
        "teacher", kari.organisation_id, "Tove Hansen")

    teacher = client_for(app)
    assert use_code(teacher, "tove", code).status_code == 302
    assert teacher.login("tove", PASSWORD).status_code == 302
    assert "Spring" not in teacher.get("/teach/").get_data(as_text=True)

    form = client.get(f"/staff/{tove.id}/groups").get_data(as_text=True)
    assert "Spring" in form and "Evening" in form
    saved = client.post_form(f"/staff/{tove.id}/groups", {"groups": [spring.id, autumn.id]})
    assert saved.status_code == 302
    page = teacher.get("/teach/").get_data(as_text=True)
    assert "Spring" in page and "Autumn" in page and "Evening" not in page
    staff_page = client.get("/staff").get_data(as_text=True)
    assert "Tove Hansen" in staff_page and "Autumn, Spring" in staff_page

    client.post_form(f"/staff/{tove.id}/groups", {"groups": [autumn.id]})
    page = teacher.get("/teach/").get_data(as_text=True)
    assert "Autumn" in page and "Spring" not in page
    assert teacher.get(f"/teach/groups/{spring.id}").status_code == 404
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.subject_id == tove.id)).all()
    assert actions.count("staff.groups") == 2 and "staff.create" in actions


def test_switched_off_teacher_is_signed_out_and_their_attendance_stays(
        client, client_for, app, factory):
    kari = _coordinator(factory)
    group = factory.group(kari.organisation)
    tove = factory.teacher_in(group, "tove")
    amina = factory.user("amina", group=group)
    session = factory.session(group)
    teacher = client_for(app)
    teacher.login("tove", "teacher-pass-1")
    marked = teacher.post_form(f"/teach/sessions/{session.id}/attendance/{amina.id}",
                               {"status": "present"}, page=f"/teach/sessions/{session.id}")
    assert marked.status_code == 302

    client.login("kari", PASSWORD)
    confirm = client.get(f"/staff/{tove.id}/deactivate")
    assert confirm.status_code == 200 and "Tove" in confirm.get_data(as_text=True)
    assert _user("tove").active  # the confirmation page changes nothing
    done = client.post_form(f"/staff/{tove.id}/deactivate", {},
                            page=f"/staff/{tove.id}/deactivate")
    assert done.status_code == 302
    db.session.refresh(tove)
    assert tove.active is False and tove.deactivated_at is not None

    signed_out = teacher.get("/teach/")
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    refused = teacher.login("tove", "teacher-pass-1")
    assert refused.status_code == 403 and "deaktivert" in refused.get_data(as_text=True)

    row = db.session.scalar(sa.select(Attendance).where(Attendance.user_id == amina.id))
    assert (row.status, row.marked_by_id) == ("present", tove.id)
    session_page = client.get(f"/teach/sessions/{session.id}").get_data(as_text=True)
    assert "Tove" in session_page  # the history still names who marked it
    assert db.session.scalar(sa.select(Membership.id).where(Membership.user_id == tove.id))
    assert "Switched off" in client.get("/staff").get_data(as_text=True)

    assert client.post_form(f"/staff/{tove.id}/reactivate", {},
                            page="/staff").status_code == 302
    again = client_for(app)
    assert again.login("tove", "teacher-pass-1").status_code == 302
    assert again.get("/teach/").status_code == 200


def test_switching_off_cancels_waiting_codes(client, factory):
    _coordinator(factory)
    client.login("kari", PASSWORD)
    code = _new_teacher(client)
    tove = _user("tove")
    client.post_form(f"/staff/{tove.id}/deactivate", {}, page=f"/staff/{tove.id}/deactivate")
    client.post_form(f"/staff/{tove.id}/reactivate", {}, page="/staff")
    logout(client)
    assert use_code(client, "tove", code).status_code == 422


def test_new_code_for_staff_who_forgot_their_password(client, factory):
    kari = _coordinator(factory)
    factory.user("tove", "teacher", "forgotten-1", organisation=kari.organisation)
    tove = _user("tove")
    client.login("kari", PASSWORD)
    response = client.post_form(f"/staff/{tove.id}/code", {}, page="/staff")
    code = shown_code(response)
    assert "waiting to be used" in client.get("/staff").get_data(as_text=True)
    logout(client)
    assert use_code(client, "tove", code, secret="remembered-1").status_code == 302
    assert client.login("tove", "remembered-1").status_code == 302


def test_nobody_can_switch_themselves_off(client, factory):
    kari = _coordinator(factory)
    client.login("kari", PASSWORD)
    assert client.get(f"/staff/{kari.id}/deactivate").status_code == 302
    client.post_form(f"/staff/{kari.id}/deactivate", {}, page="/staff")
    db.session.refresh(kari)
    assert kari.active
    assert client.get("/staff").status_code == 200


def test_coordinator_cannot_make_an_admin(client, factory):
    _coordinator(factory)
    client.login("kari", PASSWORD)
    response = client.post_form("/staff/new", {"display_name": "Eve", "username": "eve",
                                               "role": "admin"})
    assert response.status_code == 422
    assert 'value="eve"' in response.get_data(as_text=True)
    assert _user("eve") is None


def test_coordinator_makes_another_coordinator(client, factory):
    _coordinator(factory)
    client.login("kari", PASSWORD)
    response = client.post_form("/staff/new", {"display_name": "Ola", "username": "ola",
                                               "role": "coordinator"})
    assert response.status_code == 200 and _user("ola").role == "coordinator"


def test_taken_username_keeps_what_was_typed(client, factory):
    _coordinator(factory)
    client.login("kari", PASSWORD)
    response = client.post_form("/staff/new", {"display_name": "Kari Two", "username": "kari",
                                               "role": "teacher"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Kari Two"' in page and "already has this username" in page


def test_coordinator_cannot_touch_another_organisations_staff(client, factory):
    kari = _coordinator(factory)
    oslo = factory.org("oslo", "Oslo kommune")
    ola = factory.user("ola", "teacher", PASSWORD, organisation=oslo)
    oslo_group = factory.group(oslo, "Oslo", "OSLO1")
    own_participant = factory.user("amina", organisation=kari.organisation)
    own_teacher = factory.user("tove", "teacher", PASSWORD, organisation=kari.organisation)
    client.login("kari", PASSWORD)
    for person in (ola, own_participant):
        assert client.get(f"/staff/{person.id}/deactivate").status_code == 404
        assert client.get(f"/staff/{person.id}/groups").status_code == 404
        for action in ("deactivate", "reactivate", "code", "groups"):
            response = client.post_form(f"/staff/{person.id}/{action}", {}, page="/staff")
            assert response.status_code == 404, action
    db.session.refresh(ola)
    assert ola.active
    assert "ola" not in client.get("/staff").get_data(as_text=True)
    # Nor give their own teacher a group of another organisation.
    response = client.post_form(f"/staff/{own_teacher.id}/groups", {"groups": [oslo_group.id]})
    assert response.status_code == 422
    assert not db.session.scalar(sa.select(Membership.id).where(
        Membership.user_id == own_teacher.id))


def test_coordinator_chooses_required_modules_and_retention(client, factory):
    kari = _coordinator(factory)
    modules = [m.slug for m in current_app.extensions["catalogue"].modules]
    client.login("kari", PASSWORD)
    assert client.get("/staff/settings").status_code == 200
    saved = client.post_form("/staff/settings", {"required_modules": [modules[1], modules[0]],
                                                 "retention_months": "18"})
    assert saved.status_code == 302
    org = db.session.get(Organisation, kari.organisation_id)
    db.session.refresh(org)
    assert (org.required_modules, org.retention_months) == ([modules[0], modules[1]], 18)
    page = client.get("/staff/settings").get_data(as_text=True)
    assert page.count("checked") == 2
    wrong = client.post_form("/staff/settings", {"required_modules": ["no-such-module"],
                                                 "retention_months": "500"})
    assert wrong.status_code == 422
    assert 'value="500"' in wrong.get_data(as_text=True)
    db.session.refresh(org)
    assert org.retention_months == 18
    none = client.post_form("/staff/settings", {"retention_months": "18"})
    assert none.status_code == 302
    db.session.refresh(org)
    assert org.required_modules == []  # none ticked: every module is needed
