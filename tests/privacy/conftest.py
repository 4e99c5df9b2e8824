"""A small school for the privacy tests: one participant with a full history, one without,
their teacher and coordinator, and a coordinator of another organisation."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.reports.models import Certificate

STAFF_PASSWORD = "long-enough-1"


@pytest.fixture
def school(factory):
    """Hamar: Amina (lessons, quizzes, two sessions, a certificate), Yonas, Tove the teacher,
    Kari the coordinator; Bergen: Bjørn, its coordinator."""
    group = factory.group()
    hamar = group.organisation
    kari = factory.user("kari", "coordinator", STAFF_PASSWORD, organisation=hamar)
    tove = factory.teacher_in(group)
    amina = factory.user("amina", group=group, display_name="أمينة حسن", language="ar")
    yonas = factory.user("yonas", group=group, display_name="Yonas Tesfay")
    first = factory.session(group, datetime(2027, 1, 12, 16, tzinfo=UTC))
    second = factory.session(group, datetime(2027, 1, 19, 16, tzinfo=UTC))
    factory.attendance(first, amina, "present", 90, marked_by=tove)
    factory.attendance(second, amina, "late", 60, marked_by=tove)
    factory.attendance(first, yonas, "present", 90, marked_by=tove)
    db.session.add_all([
        LessonProgress(user_id=amina.id, module_slug="waste", lesson_slug="which-bin",
                       language="ar"),
        LessonProgress(user_id=yonas.id, module_slug="waste", lesson_slug="special-waste",
                       language="nb"),
        QuizAttempt(attempt_id="a1", user_id=amina.id, module_slug="waste",
                    lesson_slug="which-bin", answers={"q1": ["b"]}, score=75, passed=False),
        QuizAttempt(attempt_id="a2", user_id=amina.id, module_slug="waste",
                    lesson_slug="which-bin", answers={"q1": ["a"]}, score=100, passed=True),
        QuizAttempt(attempt_id="y1", user_id=yonas.id, module_slug="waste",
                    lesson_slug="special-waste", answers={"q1": ["c"]}, score=50, passed=False),
        Certificate(organisation_id=hamar.id, user_id=amina.id, number="BS-2027-0001",
                    code="secret-code-1", holder_name="أمينة حسن", language="ar",
                    modules=["waste"], minutes_attended=150, issued_by_id=kari.id),
    ])
    db.session.commit()
    bergen = factory.org("bergen", "Bergen kommune")
    bjorn = factory.user("bjorn", "coordinator", STAFF_PASSWORD, organisation=bergen)
    return SimpleNamespace(hamar=hamar, group=group, kari=kari, tove=tove, amina=amina,
                           yonas=yonas, bergen=bergen, bjorn=bjorn, sessions=(first, second))


@pytest.fixture
def login_as():
    """Sign one of the school's people in on a client: `login_as(client, "kari")`."""
    secrets = {"amina": "482915", "yonas": "482915", "tove": "teacher-pass-1"}

    def sign_in(client, username: str):
        assert client.login(username, secrets.get(username, STAFF_PASSWORD)).status_code == 302
        return client

    return sign_in
