"""A small school with a known story, for the coordinators' report tests (data and helpers).

Hamar has two groups. In "Boligskole vår" Маріям Коваленко completed the waste module ten days
ago and came to every session; محمد الأحمد failed a quiz twice, was absent from the last two
sessions and has not been active for 19 days; Yonas has just joined. In "Boligskole høst" Åse
completed tenancy rights last summer and has not been back. Oslo has its own participant.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from housingschool.accounts.models import User, utcnow
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.teaching.models import Group, GroupSession

PASSWORD = "long-enough-1"
SUMMER = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 1 July 00:30 in Oslo


def attempt(user: User, key: str, passed: bool, when: datetime, score: int | None = None):
    """A quiz attempt at lesson `key` ("module/lesson") at `when`; a pass that completes the
    module is noted as the site would (attempts are made in time order here)."""
    module, lesson = key.split("/")
    db.session.add(QuizAttempt(attempt_id=str(uuid.uuid4()), user_id=user.id, module_slug=module,
                               lesson_slug=lesson, answers={}, passed=passed,
                               score=score if score is not None else (100 if passed else 40),
                               submitted_at=when))
    if passed:
        record_module_completions(current_app.extensions["catalogue"], [user.id])


def opened(user: User, key: str, when: datetime) -> None:
    """The participant first opened lesson `key` at `when`."""
    module, lesson = key.split("/")
    db.session.add(LessonProgress(user_id=user.id, module_slug=module, lesson_slug=lesson,
                                  language="nb", opened_at=when))


def complete(user: User, catalogue, module_slug: str, when: datetime) -> None:
    """Open and pass every lesson of a module, the last one at `when`."""
    lessons = catalogue.module(module_slug).lessons
    for index, lesson in enumerate(lessons):
        moment = when - timedelta(hours=len(lessons) - 1 - index)
        opened(user, lesson.key, moment - timedelta(minutes=20))
        attempt(user, lesson.key, True, moment, score=90)


@dataclass
class School:
    """Everything the tests look at."""

    now: datetime
    spring: Group
    autumn: Group
    mariam: User
    mohammed: User
    yonas: User
    aase: User
    outsider: User
    sessions: list[GroupSession]


def build_school(app, factory) -> School:
    """Make the story above; returns what the tests look at."""
    catalogue = app.extensions["catalogue"]
    now = utcnow()
    hamar = factory.org()
    spring = factory.group(hamar, "Boligskole vår", "SPRING01")
    autumn = factory.group(hamar, "Boligskole høst", "AUTUMN01")
    factory.user("kari", "coordinator", PASSWORD, organisation=hamar)
    factory.user("ada", "admin", PASSWORD, organisation=hamar)
    teacher = factory.teacher_in(spring)
    mariam = factory.user("mariam", group=spring, display_name="Маріям Коваленко")
    mohammed = factory.user("mohammed", group=spring, display_name="محمد الأحمد")
    yonas = factory.user("yonas", group=spring, display_name="Yonas Tesfay")
    aase = factory.user("aase", group=autumn, display_name="Åse Ødegård")
    oslo = factory.org("oslo", "Oslo kommune")
    factory.user("ola", "coordinator", PASSWORD, organisation=oslo)
    outsider = factory.user("olav", organisation=oslo, display_name="Olav Oslo")

    mariam.last_seen_at = now - timedelta(days=1)
    complete(mariam, catalogue, "waste", now - timedelta(days=10))
    opened(mariam, "cleaning/cleaning-routines", now - timedelta(days=9))
    mohammed.created_at = now - timedelta(days=60)
    opened(mohammed, "waste/sorting-at-home", now - timedelta(days=20))
    attempt(mohammed, "waste/sorting-at-home", False, now - timedelta(days=20), score=40)
    attempt(mohammed, "waste/sorting-at-home", False, now - timedelta(days=19), score=60)
    aase.created_at = SUMMER - timedelta(days=30)
    aase.last_seen_at = SUMMER
    complete(aase, catalogue, "tenancy-rights", SUMMER)
    complete(outsider, catalogue, "waste", now - timedelta(days=3))
    db.session.commit()

    sessions = [factory.session(spring, now - timedelta(days=days), minutes=90)
                for days in (21, 14, 7, -7)]
    for session, status in zip(sessions[:3], ("late", "absent", "absent"), strict=True):
        factory.attendance(session, mohammed, status, 60 if status == "late" else 0,
                           marked_by=teacher)
        factory.attendance(session, mariam, "present", 90, marked_by=teacher)
    return School(now, spring, autumn, mariam, mohammed, yonas, aase, outsider, sessions)
