"""A participant sees what we keep, downloads it, and can ask for it to be deleted (or not)."""

import json

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent


def test_my_data_page_says_what_we_keep_with_my_numbers(school, client, login_as):
    login_as(client, "amina")
    page = client.get("/my/data?lang=en").get_data(as_text=True)
    assert "What we keep and why" in page
    assert "Lessons opened: 1. Quizzes answered: 2." in page
    assert "Class sessions noted: 2." in page
    assert "Certificates: 1." in page
    assert "for 24 months" in page
    assert 'href="/my/data/download"' in page


def test_download_holds_my_own_data_and_nothing_of_others(school, client, login_as):
    login_as(client, "amina")
    response = client.get("/my/data/download")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["username"] == "amina"
    assert data["profile"]["name"] == "أمينة حسن"
    assert data["profile"]["language"] == "ar"
    assert data["profile"]["organisation"] == "Hamar kommune"
    assert data["profile"]["created_at"]
    assert [g["name"] for g in data["groups"]] == ["Boligskole vår"]
    assert [(r["module"], r["lesson"]) for r in data["lessons_opened"]] == [("waste", "which-bin")]
    assert sorted(r["score"] for r in data["quiz_attempts"]) == [75, 100]
    assert [(r["date"][:10], r["status"], r["minutes"]) for r in data["attendance"]] == [
        ("2027-01-12", "present", 90), ("2027-01-19", "late", 60)]
    assert data["certificates"] == [{"number": "BS-2027-0001", "issued_at": data["certificates"][0]
                                     ["issued_at"], "modules": ["waste"], "status": "valid"}]
    text = response.get_data(as_text=True)
    assert "yonas" not in text.lower() and "special-waste" not in text


def test_download_is_in_the_audit_log_as_my_own_export(school, client, login_as):
    login_as(client, "amina")
    client.get("/my/data/download")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.self"))
    assert (event.actor_id, event.subject_id) == (school.amina.id, school.amina.id)


def test_asking_for_deletion_takes_a_confirm_step_and_can_be_withdrawn(school, client, login_as):
    login_as(client, "amina")
    confirm = client.get("/my/data/delete?lang=en").get_data(as_text=True)
    assert "This is what happens if you ask" in confirm
    db.session.refresh(school.amina)
    assert school.amina.deletion_requested_at is None  # only reading the page changes nothing

    response = client.post_form("/my/data/delete", {})
    assert response.status_code == 303 and response.location.endswith("/my/data")
    db.session.refresh(school.amina)
    asked = school.amina.deletion_requested_at
    assert asked is not None
    page = client.get("/my/data").get_data(as_text=True)
    assert "I changed my mind: keep my data" in page
    assert "Ask us to delete my data</a>" not in page

    client.post_form("/my/data/delete", {}, page="/my/data")  # asking twice keeps the first date
    db.session.refresh(school.amina)
    assert school.amina.deletion_requested_at == asked

    response = client.post_form("/my/data/delete/withdraw", {}, page="/my/data")
    assert response.status_code == 303
    db.session.refresh(school.amina)
    assert school.amina.deletion_requested_at is None
    assert "I changed my mind" not in client.get("/my/data").get_data(as_text=True)


def test_posting_without_the_form_token_changes_nothing(school, client, login_as):
    login_as(client, "amina")
    assert client.post("/my/data/delete").status_code == 400
    db.session.refresh(school.amina)
    assert school.amina.deletion_requested_at is None
