"""What fuzzing found, pinned: each example that was a server error (on SQLite, PostgreSQL or
both) and what the user gets now instead."""

import pytest
import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.inputs import MAX_ID
from housingschool.learning.models import QuizAttempt
from housingschool.reports.models import Certificate, LocalNote
from housingschool.teaching.models import Attendance, GroupSession
from tests.fuzz.world import CHECKIN_CODE, build_world, sign_in

WRONG_DATES = "Write the dates as year-month-day, for example 2027-01-31."


def school(app, factory, client, role):
    """The fuzzing world, and the client signed in as `role` with a CSRF token."""
    world = build_world(factory, app.extensions["catalogue"])
    return world, sign_in(client, role)


def test_a_nul_in_a_username_is_a_wrong_sign_in(app, factory, client):
    """PostgreSQL: "text fields cannot contain NUL (0x00) bytes" was a 500."""
    _world, token = school(app, factory, client, None)
    response = client.post("/login", data={"csrf_token": token, "username": "ami\x00na",
                                           "secret": "wrong"})
    assert response.status_code == 401


def test_a_local_note_with_a_nul_is_saved_without_it(app, factory, client):
    world, token = school(app, factory, client, "coordinator")
    response = client.post(f"/local-notes/{world.module}/{world.lesson}",
                           data={"csrf_token": token, "note_nb": "Søppel\x00rommet"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(LocalNote.text)) == "Søppelrommet"


def test_a_withdrawal_reason_with_a_nul_is_saved_without_it(app, factory, client):
    world, token = school(app, factory, client, "coordinator")
    client.post(f"/certificates/{world.certificate}/revoke",
                data={"csrf_token": token, "reason": "Wrong\x00 person"})
    assert db.session.scalar(sa.select(Certificate.revoke_reason)) == "Wrong person"


def test_a_join_code_with_a_nul_is_an_unknown_code(app, factory, client):
    world, token = school(app, factory, client, None)
    assert client.get(f"/join/{world.join_code}%00").status_code == 302  # back to /join
    response = client.post("/join", data={"csrf_token": token, "code": "\x00"})
    assert response.status_code == 200  # the form again: "Write the code your teacher gave you."


def test_a_quiz_attempt_id_too_long_for_its_column_is_refused(app, factory, client):
    """uuid.UUID() also reads "urn:uuid:..." (45 characters): PostgreSQL refused it for a
    VARCHAR(36) column, a 500; the page now keeps the answers and asks again."""
    world, token = school(app, factory, client, "participant")
    answers = {f"q-{q.id}": q.options[0] for q in world.quiz_lesson.questions}
    attempt_id = "urn:uuid:12345678-1234-5678-1234-567812345678"
    response = client.post(f"/modules/{world.module}/{world.lesson}/quiz",
                           data={"csrf_token": token, "attempt_id": attempt_id, **answers})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt).where(
        QuizAttempt.attempt_id == attempt_id)) == 0


def test_ids_too_big_for_the_database_in_forms_and_filters(app, factory, client):
    """OverflowError on SQLite above 2**63, "integer out of range" on PostgreSQL above 2**31."""
    world, token = school(app, factory, client, "coordinator")
    for too_big in (MAX_ID + 1, 2**63):
        assert client.get(f"/reports/hours?group={too_big}").status_code == 200  # all groups
        assert client.get(f"/reports/completion?group={too_big}").status_code == 200
        response = client.post(f"/staff/{world.staff_victim}/groups",
                               data={"csrf_token": token, "groups": str(too_big)})
        assert response.status_code == 422
        response = client.post(f"/teach/groups/{world.group}/participants/{world.victim}/move",
                               data={"csrf_token": token, "target": str(too_big)})
        assert response.status_code == 400


def test_a_live_class_id_too_big_for_the_database(app, factory, client):
    _world, token = school(app, factory, client, "participant")
    response = client.post("/live/answer", data={"csrf_token": token, "live": str(2**63)})
    assert response.status_code == 303


def test_audit_log_filters_past_the_database_or_the_calendar(app, factory, client):
    school(app, factory, client, "admin")
    for query in (f"organisation={2**63}", f"page={2**63}", "action=view.%00"):
        assert client.get(f"/admin/audit?{query}").status_code == 200
    for query in ("start=0001-01-01", "end=9999-12-31"):
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 422 and WRONG_DATES in response.get_data(as_text=True)


def test_report_dates_at_the_ends_of_the_calendar_are_wrong_dates(app, factory, client):
    """The day after 9999-12-31, and 0001-01-01 in UTC, do not exist: OverflowError."""
    school(app, factory, client, "coordinator")
    for address in ("/reports/?end=9999-12-31", "/reports/hours?start=0001-01-01"):
        response = client.get(address)
        assert response.status_code == 422 and WRONG_DATES in response.get_data(as_text=True)


def test_a_session_in_year_one_is_refused(app, factory, client):
    """Saved, it broke the group's pages for good: "year 0 is out of range"."""
    world, token = school(app, factory, client, "teacher")
    response = client.post(f"/teach/groups/{world.group}/sessions/new", data={
        "csrf_token": token, "day": "0001-01-01", "start": "10:00", "end": "11:30"})
    assert response.status_code == 200 and "Choose the date." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupSession)) == 1


def test_late_minutes_written_as_a_superscript_digit_use_the_default(app, factory, client):
    """"²".isdigit() is true but int("²") fails: a 500 when marking someone late."""
    world, token = school(app, factory, client, "teacher")
    response = client.post(f"/teach/sessions/{world.session}/attendance/{world.victim}",
                           data={"csrf_token": token, "status": "late", "minutes": "²"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Attendance.minutes)) == 90 - 15


@pytest.mark.parametrize("cookie", ["a\x00b", "f" * 100])
def test_a_device_cookie_not_made_here_is_replaced_at_check_in(app, factory, client, cookie):
    """PostgreSQL: a NUL in the cookie was a 500, and so was one longer than its column."""
    _world, token = school(app, factory, client, "participant")
    client.http.set_cookie("device", cookie)
    response = client.post("/checkin", data={"csrf_token": token, "code": CHECKIN_CODE})
    assert response.status_code == 302
    device = db.session.scalar(sa.select(Attendance.device_id))
    assert len(device) == 32 and client.http.get_cookie("device").value == device
