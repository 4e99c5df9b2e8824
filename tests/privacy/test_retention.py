"""`flask privacy retention`: participants inactive longer than the organisation keeps data are
anonymised; everyone else is left alone; a second run changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from housingschool.accounts.models import utcnow
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.privacy.services import months_before


@pytest.fixture
def quiet_school(school, factory):
    """Hamar keeps data 12 months. Relative to that: Amina was seen a day inside the window,
    Yonas a day outside it; Sara never signed in and joined long ago; Omar was last seen long
    ago but did a quiz last week; Tove the teacher has not signed in for years. Bergen keeps
    data 24 months and Lina there was seen 13 months ago."""
    now = utcnow()
    cutoff = months_before(now, 12)
    school.hamar.retention_months = 12
    long_ago = cutoff - timedelta(days=60)  # their lessons, quizzes and classes
    db.session.execute(sa.update(QuizAttempt).values(submitted_at=long_ago))
    db.session.execute(sa.update(LessonProgress).values(opened_at=long_ago))
    for session in school.sessions:
        session.starts_at = long_ago
        session.ends_at = session.starts_at + timedelta(minutes=90)
    school.amina.last_seen_at = cutoff + timedelta(days=1)
    school.yonas.last_seen_at = cutoff - timedelta(days=1)
    sara = factory.user("sara", group=school.group)
    sara.created_at = cutoff - timedelta(days=1)
    omar = factory.user("omar", group=school.group)
    omar.last_seen_at = cutoff - timedelta(days=30)
    db.session.add(QuizAttempt(attempt_id="o1", user_id=omar.id, module_slug="waste",
                               lesson_slug="which-bin", answers={}, score=50, passed=False,
                               submitted_at=now - timedelta(days=7)))
    school.tove.last_seen_at = cutoff - timedelta(days=400)
    lina = factory.user("lina", organisation=school.bergen)
    lina.last_seen_at = months_before(now, 13)
    db.session.commit()
    school.sara, school.omar, school.lina = sara, omar, lina
    return school


def anonymised(*users) -> list[bool]:
    db.session.expire_all()
    return [user.anonymised_at is not None for user in users]


def test_dry_run_counts_but_changes_nothing(quiet_school, app):
    s = quiet_school
    result = app.test_cli_runner().invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "hamar: 2 participants would be anonymised" in result.output
    assert "bergen: 0 participants would be anonymised" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert anonymised(s.amina, s.yonas, s.sara, s.omar, s.lina) == [False] * 5


def test_only_participants_outside_the_window_are_anonymised_once(quiet_school, app):
    s = quiet_school
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    assert "hamar: 2 participants anonymised (inactive over 12 months)" in result.output
    assert "bergen: 0 participants anonymised (inactive over 24 months)" in result.output
    assert anonymised(s.amina, s.yonas, s.sara, s.omar, s.tove, s.lina) == [
        False, True, True, False, False, False]
    assert s.yonas.display_name == "Deleted participant"
    assert s.yonas.username.startswith("anon-")
    # Scores stay as anonymous numbers; attendance too.
    assert [a.score for a in db.session.query(QuizAttempt).filter_by(user_id=s.yonas.id)] == [50]

    again = runner.invoke(args=["privacy", "retention"])
    assert "Total: 0 participants anonymised." in again.output


def test_retention_zero_keeps_everyone(quiet_school, app):
    quiet_school.hamar.retention_months = 0
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "retention"])
    assert "hamar: 0 participants anonymised (retention off)" in result.output


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2027, 3, 31, 12, tzinfo=UTC), 1, datetime(2027, 2, 28, 12, tzinfo=UTC)),
    (datetime(2028, 3, 31, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),
    (datetime(2027, 1, 15, tzinfo=UTC), 24, datetime(2025, 1, 15, tzinfo=UTC)),
    (datetime(2027, 1, 15, tzinfo=UTC), 13, datetime(2025, 12, 15, tzinfo=UTC)),
])
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
