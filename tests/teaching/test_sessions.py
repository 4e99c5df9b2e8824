"""Sessions, attendance marked by the teacher, and self check-in with a code."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.teaching.models import Attendance, AttendanceChange, GroupSession


def as_teacher(client, factory):
    group = factory.group()
    factory.teacher_in(group)
    client.login("tove", "teacher-pass-1")
    return group


def test_teacher_plans_a_session_in_oslo_time(client, factory):
    group = as_teacher(client, factory)
    response = client.post_form(f"/teach/groups/{group.id}/sessions/new", {
        "day": "2027-01-12", "start": "17:00", "end": "18:30", "place": "Rom 2",
        "lessons": ["tenancy-rights", "waste/which-bin"], "interpreter_languages": ["ar"],
        "notes": "Bring the lease"})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(GroupSession))
    assert session.starts_at.replace(tzinfo=UTC) == datetime(2027, 1, 12, 16, 0, tzinfo=UTC)
    assert session.minutes == 90 and session.lessons == ["tenancy-rights", "waste/which-bin"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "17:00–18:30" in page and "Rom 2" in page


def test_session_ending_before_it_starts_or_unknown_lesson_is_refused(client, factory):
    group = as_teacher(client, factory)
    url = f"/teach/groups/{group.id}/sessions/new"
    page = client.post_form(url, {"day": "2027-01-12", "start": "18:00", "end": "17:00",
                                  "place": "Rom 2"}).get_data(as_text=True)
    assert "The session must end after it starts" in page and 'value="Rom 2"' in page
    page = client.post_form(url, {"day": "2027-01-12", "start": "17:00", "end": "18:00",
                                  "lessons": ["gardening"]}).get_data(as_text=True)
    assert "We do not know this module or lesson: gardening" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupSession)) == 0


def test_one_tap_marks_attendance_with_default_minutes(client, factory):
    group = as_teacher(client, factory)
    session = factory.session(group, minutes=90)
    amina = factory.user("amina", group=group)
    url = f"/teach/sessions/{session.id}"
    client.post_form(f"{url}/attendance/{amina.id}", {"status": "present", "minutes": "90"},
                     page=url)
    row = db.session.scalar(sa.select(Attendance))
    assert (row.status, row.minutes, row.method) == ("present", 90, "teacher")
    client.post_form(f"{url}/attendance/{amina.id}", {"status": "late", "minutes": "90"},
                     page=url)
    db.session.expire_all()
    assert (row.status, row.minutes) == ("late", 75)  # late reduces the default
    client.post_form(f"{url}/attendance/{amina.id}", {"status": "late", "minutes": "40"},
                     page=url)
    db.session.expire_all()
    assert row.minutes == 40


def test_corrections_keep_who_changed_what_and_when(client, factory):
    group = as_teacher(client, factory)
    session = factory.session(group)
    amina = factory.user("amina", group=group)
    url = f"/teach/sessions/{session.id}"
    for status in ("absent", "excused"):
        client.post_form(f"{url}/attendance/{amina.id}", {"status": status}, page=url)
    changes = db.session.scalars(sa.select(AttendanceChange).order_by(AttendanceChange.id)).all()
    assert [(c.old_status, c.new_status) for c in changes] == [(None, "absent"),
                                                               ("absent", "excused")]
    assert all(c.changed_by.username == "tove" for c in changes)
    assert "absent → excused" in client.get(url).get_data(as_text=True)


def test_attendance_sheet_lists_everyone_with_status_and_minutes(client, factory):
    group = as_teacher(client, factory)
    session = factory.session(group)
    amina, yonas = factory.user("amina", group=group), factory.user("yonas", group=group)
    factory.attendance(session, amina, "late", 75)
    page = client.get(f"/teach/sessions/{session.id}/sheet").get_data(as_text=True)
    assert "Amina" in page and "Yonas" in page and "Late" in page and "75" in page
    assert "Signature" in page and yonas


def checkin_setup(client, factory):
    group = as_teacher(client, factory)
    session = factory.session(group, starts_at=datetime.now(UTC) - timedelta(minutes=5))
    client.post_form(f"/teach/sessions/{session.id}/checkin/open", {},
                     page=f"/teach/sessions/{session.id}")
    db.session.expire_all()
    client.post_form("/logout", {}, page="/")
    return group, db.session.get(GroupSession, session.id)


def test_participant_checks_in_with_the_code(client, factory, client_for, app):
    group, session = checkin_setup(client, factory)
    assert session.checkin_open and len(session.checkin_code) == 4
    factory.user("amina", group=group)
    client.login("amina", "482915")
    response = client.post_form("/checkin", {"code": session.checkin_code})
    assert response.status_code == 302
    row = db.session.scalar(sa.select(Attendance))
    assert (row.status, row.method) == ("present", "self")


def test_qr_link_fills_in_the_code(client, factory):
    group, session = checkin_setup(client, factory)
    factory.user("amina", group=group)
    client.login("amina", "482915")
    page = client.get(f"/checkin?code={session.checkin_code}").get_data(as_text=True)
    assert f'value="{session.checkin_code}"' in page


def test_one_phone_cannot_check_in_two_people(client, factory):
    group, session = checkin_setup(client, factory)
    factory.user("amina", group=group)
    factory.user("yonas", group=group, secret="739146")
    client.login("amina", "482915")
    client.post_form("/checkin", {"code": session.checkin_code})
    client.post_form("/logout", {}, page="/")
    client.login("yonas", "739146")  # same browser, so the same device cookie
    response = client.post_form("/checkin", {"code": session.checkin_code})
    assert response.status_code == 422
    assert "Someone else has already checked in on this phone" in response.get_data(as_text=True)


def test_code_works_only_for_members_and_while_open(client, factory):
    group, session = checkin_setup(client, factory)
    other = factory.group(organisation=group.organisation, name="Other", join_code="OTHER1")
    factory.user("stranger", group=other)
    client.login("stranger", "482915")
    response = client.post_form("/checkin", {"code": session.checkin_code})
    assert "This code is for another group" in response.get_data(as_text=True)
    session.checkin_open = False
    db.session.commit()
    wrong = client.post_form("/checkin", {"code": session.checkin_code})
    assert "This code does not work" in wrong.get_data(as_text=True)


def test_check_in_closes_at_the_end_of_the_session(client, factory):
    group, session = checkin_setup(client, factory)
    session.ends_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    factory.user("amina", group=group)
    client.login("amina", "482915")
    response = client.post_form("/checkin", {"code": session.checkin_code})
    assert "Check-in for this session is closed" in response.get_data(as_text=True)


def test_teacher_can_change_a_shared_code(client, factory):
    group = as_teacher(client, factory)
    session = factory.session(group)
    url = f"/teach/sessions/{session.id}"
    client.post_form(f"{url}/checkin/open", {}, page=url)
    db.session.expire_all()
    first = db.session.get(GroupSession, session.id).checkin_code
    codes = set()
    for _ in range(5):
        client.post_form(f"{url}/checkin/new-code", {}, page=url)
        db.session.expire_all()
        codes.add(db.session.get(GroupSession, session.id).checkin_code)
    assert codes - {first}
    screen = client.get(f"{url}/checkin").get_data(as_text=True)
    code = db.session.get(GroupSession, session.id).checkin_code
    assert f'<p class="checkin-code" aria-label="Code">{code}</p>' in screen and "<svg" in screen


def test_guessing_check_in_codes_is_rate_limited(client, factory, app):
    group, session = checkin_setup(client, factory)
    factory.user("amina", group=group)
    client.login("amina", "482915")
    limit = int(app.config["CHECKIN_LIMIT"].split()[0])
    wrong = "0000" if session.checkin_code != "0000" else "1111"
    for _ in range(limit):
        assert client.post_form("/checkin", {"code": wrong}).status_code == 422
    assert client.post_form("/checkin", {"code": session.checkin_code}).status_code == 429


def test_check_in_page_is_for_participants_only(client, factory):
    group = as_teacher(client, factory)
    assert client.get("/checkin").status_code == 403
    client.post_form("/logout", {}, page="/")
    response = client.get("/checkin")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    factory.user("amina", group=group)
    client.login("amina", "482915")
    assert client.get("/checkin").status_code == 200
