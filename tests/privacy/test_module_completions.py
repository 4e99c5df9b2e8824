"""Completed modules are personal data too: in the participant's download, kept (without a
name) when anonymised, like quiz scores, and gone when the participant is deleted."""

import csv
import io
import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.learning.models import ModuleCompletion, QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.reports.models import AuditEvent

DONE = datetime(2027, 1, 20, 18, tzinfo=UTC)


@pytest.fixture
def finished(school, app):
    """Amina and Yonas have both completed the waste module."""
    catalogue = app.extensions["catalogue"]
    for person in (school.amina, school.yonas):
        for lesson in catalogue.module("waste").lessons:
            db.session.add(QuizAttempt(
                attempt_id=str(uuid.uuid4()), user_id=person.id, module_slug="waste",
                lesson_slug=lesson.slug, answers={}, score=100, passed=True, submitted_at=DONE))
    record_module_completions(catalogue)
    db.session.commit()
    return school


def completed(user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ModuleCompletion)
                             .where(ModuleCompletion.user_id == user.id))


def modules_in_export(client) -> dict[str, str]:
    """{name: "modules completed"} from the coordinator's completion CSV."""
    text = client.get("/reports/completion?format=csv").data.decode("utf-8-sig")
    return {row[0]: row[3] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}


def test_my_download_lists_the_modules_i_completed(finished, client, login_as):
    login_as(client, "amina")
    data = json.loads(client.get("/my/data/download").get_data(as_text=True))
    assert data["modules_completed"] == [{"module": "waste",
                                          "completed_at": "2027-01-20T18:00:00+00:00"}]


def test_deleting_removes_the_completed_modules_of_that_participant_only(
        finished, client, login_as):
    login_as(client, "kari")
    assert client.post_form(f"/privacy/participants/{finished.amina.id}/delete",
                            {}).status_code == 303
    assert completed(finished.amina) == 0 and completed(finished.yonas) == 1
    assert modules_in_export(client) == {"Deleted participant": "0", "Yonas Tesfay": "1"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.delete"))
    assert event.detail["completions_deleted"] == 1


def test_anonymising_keeps_the_completed_modules_as_anonymous_counts(finished, client, login_as):
    login_as(client, "kari")
    client.post_form(f"/privacy/participants/{finished.amina.id}/anonymise", {})
    assert completed(finished.amina) == 1
    assert modules_in_export(client) == {"Deleted participant": "1", "Yonas Tesfay": "1"}
