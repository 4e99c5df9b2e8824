"""A coordinator anonymises or deletes a participant: the name goes, reported hours stay."""

import csv
import io
import json

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.privacy.services import open_requests_count
from housingschool.reports.models import AuditEvent, Certificate
from housingschool.teaching.models import Attendance, Membership

HOURS_CSV = "/reports/hours?start=2027-01-01&end=2027-01-31&format=csv"


def hours_by_name(client) -> dict[str, list[str]]:
    """The hours CSV a caseworker gets, as {name: row}."""
    text = client.get(HOURS_CSV).data.decode("utf-8-sig")
    return {row[0]: row for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}


def rows_of(model, user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)
                             .where(model.user_id == user.id))


def test_deletion_requests_list_shows_who_asked_in_my_organisation_only(
        school, client, client_for, app, login_as):
    amina = login_as(client_for(app), "amina")
    amina.post_form("/my/data/delete", {})
    assert open_requests_count(school.hamar.id) == 1
    assert open_requests_count(school.bergen.id) == 0
    login_as(client, "kari")
    page = client.get("/privacy/requests").get_data(as_text=True)
    assert f'href="/privacy/participants/{school.amina.id}">أمينة حسن</a>' in page
    assert "Yonas" not in page
    bergen = login_as(client_for(app), "bjorn")
    assert "أمينة" not in bergen.get("/privacy/requests").get_data(as_text=True)


def test_participant_page_shows_the_numbers_and_is_in_the_audit_log(school, client, login_as):
    login_as(client, "kari")
    page = client.get(f"/privacy/participants/{school.amina.id}").get_data(as_text=True)
    assert "أمينة حسن" in page
    assert "<dt>Quiz results</dt><dd>2</dd>" in page
    assert "<dt>Attendance marks</dt><dd>2</dd>" in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "view.participant"))
    assert (event.actor_id, event.subject_id) == (school.kari.id, school.amina.id)


def test_anonymise_removes_the_name_but_keeps_scores_and_hours(
        school, client, client_for, app, login_as):
    amina = login_as(client_for(app), "amina")
    login_as(client, "kari")
    url = f"/privacy/participants/{school.amina.id}/anonymise"
    assert "This cannot be undone." in client.get(url).get_data(as_text=True)
    db.session.refresh(school.amina)
    assert school.amina.anonymised_at is None  # the confirm page alone changes nothing

    response = client.post_form(url, {})
    assert response.status_code == 303
    db.session.refresh(school.amina)
    user = school.amina
    assert user.display_name == "Deleted participant"
    assert user.username.startswith("anon-") and user.language is None
    assert user.anonymised_at is not None and user.deletion_requested_at is None
    # Scores stay (answers go), lessons, memberships and attendance stay.
    attempts = db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == user.id)).all()
    assert sorted(a.score for a in attempts) == [75, 100]
    assert all(a.answers == {} for a in attempts)
    assert rows_of(LessonProgress, user) == 1 and rows_of(Membership, user) == 1
    assert rows_of(Attendance, user) == 2
    # The certificate stays valid with initials only.
    certificate = db.session.scalar(sa.select(Certificate))
    assert certificate.holder_name == "أ. ح." and certificate.revoked_at is None
    # The hours report still counts her 150 minutes, without her name.
    hours = hours_by_name(client)
    assert hours["Deleted participant"][5:7] == ["150", "2.5"]
    assert hours["Yonas Tesfay"][5] == "90"
    assert "أمينة" not in client.get(HOURS_CSV).data.decode("utf-8-sig")
    # She is signed out and cannot sign in again.
    assert amina.get("/my/data").status_code == 302
    assert client_for(app).login("amina", "482915").status_code == 401
    # The audit log says what happened to whom, without the old name.
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "privacy.anonymise"))
    assert (event.actor_id, event.subject_id) == (school.kari.id, user.id)
    assert "أمينة" not in json.dumps(event.detail, ensure_ascii=False)
    assert "amina" not in json.dumps(event.detail)


def test_delete_also_removes_lessons_and_quiz_results_of_that_participant_only(
        school, client, login_as):
    login_as(client, "kari")
    url = f"/privacy/participants/{school.amina.id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "1 lessons opened and 2 quiz results will be deleted." in page
    assert client.post_form(url, {}).status_code == 303
    db.session.refresh(school.amina)
    assert school.amina.display_name == "Deleted participant"
    assert rows_of(LessonProgress, school.amina) == 0
    assert rows_of(QuizAttempt, school.amina) == 0
    assert rows_of(Attendance, school.amina) == 2
    assert rows_of(QuizAttempt, school.yonas) == 1 and rows_of(LessonProgress, school.yonas) == 1
    assert hours_by_name(client)["Deleted participant"][5] == "150"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.delete"))
    assert event.subject_id == school.amina.id
    assert (event.detail["lessons_deleted"], event.detail["quizzes_deleted"]) == (1, 2)


def test_deleting_answers_the_request(school, client, client_for, app, login_as):
    login_as(client_for(app), "amina").post_form("/my/data/delete", {})
    login_as(client, "kari")
    client.post_form(f"/privacy/participants/{school.amina.id}/delete", {})
    assert open_requests_count(school.hamar.id) == 0
    assert "No one is waiting" in client.get("/privacy/requests").get_data(as_text=True)


def test_after_anonymising_the_page_offers_only_delete(school, client, login_as):
    login_as(client, "kari")
    base = f"/privacy/participants/{school.amina.id}"
    client.post_form(base + "/anonymise", {})
    page = client.get(base).get_data(as_text=True)
    assert "Anonymised on" in page
    assert base + "/anonymise" not in page and base + "/delete" in page
    client.post_form(base + "/delete", {})
    assert base + "/delete" not in client.get(base).get_data(as_text=True)
