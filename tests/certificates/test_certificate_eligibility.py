"""Who has completed the course: every module the organisation requires, per learning's rules."""

from datetime import UTC, datetime

import sqlalchemy as sa

from housingschool.certificates import services
from housingschool.extensions import db
from housingschool.reports.models import Certificate


def test_without_a_choice_every_module_is_required(app, factory, complete):
    person = factory.user("amina")
    catalogue = app.extensions["catalogue"]
    slugs = [m.slug for m in catalogue.modules]
    complete(person, *slugs[:-1])
    status = services.eligibility(person, catalogue)
    assert not status.eligible
    assert [m.slug for m in status.missing] == [slugs[-1]]
    complete(person, slugs[-1])
    assert services.eligibility(person, catalogue).eligible


def test_an_organisation_can_require_only_some_modules(app, factory, complete):
    org = factory.org()
    org.required_modules = ["waste", "fire-safety"]
    db.session.commit()
    person = factory.user("amina", organisation=org)
    catalogue = app.extensions["catalogue"]
    complete(person, "waste")
    status = services.eligibility(person, catalogue)
    assert [m.slug for m in status.required] == ["waste", "fire-safety"]  # course order
    assert [m.slug for m in status.missing] == ["fire-safety"]
    complete(person, "fire-safety")
    status = services.eligibility(person, catalogue)
    assert status.eligible
    assert {m.slug for m in status.completed} == {"waste", "fire-safety"}


def test_requirements_differ_between_organisations(app, factory, complete):
    strict, relaxed = factory.org("hamar", "Hamar kommune"), factory.org("oslo", "Oslo kommune")
    relaxed.required_modules = ["waste"]
    db.session.commit()
    a = factory.user("aaron", organisation=strict)
    b = factory.user("berit", organisation=relaxed)
    complete(a, "waste")
    complete(b, "waste")
    catalogue = app.extensions["catalogue"]
    assert not services.eligibility(a, catalogue).eligible
    assert services.eligibility(b, catalogue).eligible


def test_a_failed_quiz_does_not_complete_a_lesson(app, factory, complete):
    from housingschool.learning.models import QuizAttempt

    person = factory.user("amina")
    catalogue = app.extensions["catalogue"]
    complete(person)
    first = catalogue.modules[0]
    db.session.execute(sa.delete(QuizAttempt).where(
        QuizAttempt.module_slug == first.slug, QuizAttempt.lesson_slug == first.lessons[0].slug))
    db.session.add(QuizAttempt(attempt_id="failed-1", user_id=person.id, module_slug=first.slug,
                               lesson_slug=first.lessons[0].slug, answers={}, score=20,
                               passed=False))
    db.session.commit()
    status = services.eligibility(person, catalogue)
    assert [m.slug for m in status.missing] == [first.slug]


def test_hours_count_present_and_late_minutes_only(app, school):
    status = services.eligibility(school["olena"], app.extensions["catalogue"])
    assert status.minutes == 150
    assert status.hours == 2.5


def test_issue_is_refused_when_not_eligible(app, factory, school, complete):
    person = factory.user("new", group=school["group"])
    complete(person, "waste")
    try:
        services.issue(person, school["coordinator"], "nb", app.extensions["catalogue"])
    except services.CertificateError as error:
        assert error.code == "not_eligible"
    else:
        raise AssertionError("issued without completing the course")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_issue_copies_name_modules_and_hours_and_numbers_readably(app, school):
    catalogue = app.extensions["catalogue"]
    first = services.issue(school["olena"], school["coordinator"], "uk", catalogue,
                           now=datetime(2026, 5, 2, 10, tzinfo=UTC))
    second = services.issue(school["olena"], school["coordinator"], "en", catalogue,
                            now=datetime(2026, 5, 3, 10, tzinfo=UTC))
    db.session.commit()
    assert (first.number, second.number) == ("BS-2026-00001", "BS-2026-00002")
    assert first.holder_name == "Олена Коваленко"
    assert first.modules == [m.slug for m in catalogue.modules]
    assert first.minutes_attended == 150
    assert first.issued_by_id == school["coordinator"].id
    # The name on the certificate stays, whatever happens to the account later.
    school["olena"].display_name = "Someone else"
    db.session.commit()
    assert db.session.get(Certificate, first.id).holder_name == "Олена Коваленко"


def test_codes_are_long_random_and_different(app, school):
    catalogue = app.extensions["catalogue"]
    codes = [services.issue(school["olena"], school["coordinator"], "nb", catalogue).code
             for _ in range(5)]
    db.session.commit()
    assert len(set(codes)) == 5
    for code in codes:
        assert len(code) >= 32  # 24 random bytes: 192 bits
        assert len(set(code)) > 12
        assert code not in {c.number for c in db.session.scalars(sa.select(Certificate))}


def test_initials_show_first_and_last_name_only():
    assert services.initials("Amina Karimi") == "A. K."
    assert services.initials("anne-lise  berg hansen") == "A. H."
    assert services.initials("Олена Коваленко") == "О. К."
    assert services.initials("Yonas") == "Y."
