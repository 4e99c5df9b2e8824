"""Two requests at the same moment, through the real app (two browsers, two threads, released
together by a barrier). SQLite lets one writer in at a time and hides most of these races;
PostgreSQL (DATABASE_URL, CI's second leg) runs the two transactions really side by side.
Each race runs ROUNDS times; a race that breaks the app raises its 500 here, a duplicate fails
a count."""

import uuid
from functools import partial

import pytest
import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, ModuleCompletion, QuizAttempt
from housingschool.teaching import services
from housingschool.teaching.models import Attendance, AttendanceChange
from tests.database.db_race_helpers import ROUNDS, Browser, at_once, only_on_postgresql

PIN, TEACHER_PASSWORD = "482915", "teacher-pass-1"


def right_answers(lesson) -> dict[str, list[str]]:
    return {f"q-{question.id}": sorted(question.correct) for question in lesson.questions}


def wrong_answers(lesson) -> dict[str, list[str]]:
    return {f"q-{question.id}": [next(o for o in question.options if o not in question.correct)]
            for question in lesson.questions}


def attendance_of(session, person) -> list[tuple]:
    """(status, method) of each attendance row, read afresh."""
    return list(db.session.execute(sa.select(Attendance.status, Attendance.method).filter_by(
        session_id=session.id, user_id=person.id)))


def history_of(session, person) -> list[tuple]:
    """(old status, new status) of each change to the row, in the order they were made."""
    return list(db.session.execute(
        sa.select(AttendanceChange.old_status, AttendanceChange.new_status).join(Attendance)
        .filter_by(session_id=session.id, user_id=person.id)
        .order_by(AttendanceChange.id)))


def count(model, **where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def mark_at_once(app, factory, marked_before: bool):
    """Two teachers tap a different status for the same participant at the same moment, once
    per round (a new participant each time); yields the session, participant and responses."""
    group = factory.group()
    session = factory.session(group)
    factory.teacher_in(group, "tove")
    factory.teacher_in(group, "petter")
    teachers = [Browser(app, name, TEACHER_PASSWORD) for name in ("tove", "petter")]
    for n in range(ROUNDS):
        person = factory.user(f"person{n}", group=group)
        if marked_before:
            factory.attendance(session, person, status="absent", minutes=0)
        url = f"/teach/sessions/{session.id}/attendance/{person.id}"
        yield session, person, at_once(partial(teachers[0].post, url, {"status": "present"}),
                                       partial(teachers[1].post, url, {"status": "late"}))


@pytest.mark.parametrize("marked_before", [False, True], ids=["new row", "existing row"])
def test_two_teachers_marking_one_participant_at_once_leave_one_row(app, factory,
                                                                     marked_before):
    for session, person, responses in mark_at_once(app, factory, marked_before):
        assert [response.status_code for response in responses] == [302, 302]
        (row,) = attendance_of(session, person)
        assert row.status in ("present", "late")
        assert sorted(new for _, new in history_of(session, person)) == ["late", "present"]


@only_on_postgresql
@pytest.mark.parametrize("marked_before", [False, True], ids=["new row", "existing row"])
def test_two_teachers_marking_at_once_take_turns_so_the_history_tells_what_happened(
        app, factory, marked_before):
    """The last write wins, and each change starts from what the one before it left (SQLite
    has no row locks: both may start from the same old status, and a savepoint there commits
    the new row before its history)."""
    for session, person, _ in mark_at_once(app, factory, marked_before):
        (row,) = attendance_of(session, person)
        first, second = history_of(session, person)
        assert first[0] == ("absent" if marked_before else None)
        assert second[0] == first[1] != second[1] == row.status


def test_checking_in_on_two_phones_at_once_marks_the_participant_present_once(app, factory):
    group = factory.group()
    amina = factory.user("amina", group=group)
    phones = [Browser(app, "amina", PIN) for _ in range(2)]
    for n in range(ROUNDS):
        session = factory.session(group, place=f"Room {n}")
        services.open_checkin(session)
        db.session.commit()
        responses = at_once(*(partial(phone.post, "/checkin", {"code": session.checkin_code})
                              for phone in phones))

        assert [response.status_code for response in responses] == [302, 302]
        assert {response.location for response in responses} == {"/sessions"}
        assert attendance_of(session, amina) == [("present", "self")]
        assert history_of(session, amina) == [(None, "present")]
        services.close_checkin(session)
        db.session.commit()


def test_a_quiz_sent_twice_at_once_is_stored_once_and_both_see_the_result(app, factory):
    factory.user("amina", group=factory.group())
    phones = [Browser(app, "amina", PIN) for _ in range(2)]
    modules = app.extensions["catalogue"].modules
    lessons = [(module, lesson) for module in modules for lesson in module.lessons]
    for n, (module, lesson) in enumerate(lessons[:ROUNDS]):
        attempt_id = str(uuid.uuid4())
        answers = right_answers(lesson) if n % 3 else wrong_answers(lesson)
        form = {"attempt_id": attempt_id, **answers}
        url = f"/modules/{module.slug}/{lesson.slug}/quiz"
        responses = at_once(*(partial(phone.post, url, form) for phone in phones))

        assert [response.status_code for response in responses] == [303, 303]
        assert responses[0].location == responses[1].location
        assert all(phone.get(responses[0].location).status_code == 200 for phone in phones)
        assert count(QuizAttempt, attempt_id=attempt_id) == 1


def test_opening_a_lesson_in_two_tabs_at_once_notes_it_once(app, factory):
    amina = factory.user("amina", group=factory.group())
    tabs = [Browser(app, "amina", PIN) for _ in range(2)]
    modules = app.extensions["catalogue"].modules
    lessons = [(module, lesson) for module in modules for lesson in module.lessons]
    for module, lesson in lessons[:ROUNDS]:
        url = f"/modules/{module.slug}/{lesson.slug}"
        responses = at_once(*(partial(tab.get, url) for tab in tabs))

        assert [response.status_code for response in responses] == [200, 200]
        assert count(LessonProgress, user_id=amina.id, lesson_slug=lesson.slug) == 1


def test_two_people_choosing_one_username_at_once_get_one_account_and_a_clear_answer(
        app, factory):
    factory.group(join_code="HOME2026")
    for n in range(ROUNDS):
        phones = [Browser(app, address=f"10.0.{n}.{i}") for i in (1, 2)]  # under the limit
        forms = [{"username": f"sam{n}", "display_name": name, "secret": PIN, "confirm": PIN}
                 for name in ("Sam", "Samira")]
        responses = at_once(*(partial(phone.post, "/join/HOME2026", form)
                              for phone, form in zip(phones, forms, strict=True)))

        assert sorted(response.status_code for response in responses) == [200, 302]
        refused = next(response for response in responses if response.status_code == 200)
        assert "Someone already has this username" in refused.get_data(as_text=True)
        assert count(User, username=f"sam{n}") == 1


@pytest.mark.parametrize("last_lessons", [1, 2], ids=["one lesson twice", "two lessons"])
def test_passing_the_last_lessons_of_a_module_at_once_notes_the_module_once(
        app, factory, last_lessons):
    """Two passes at once: the same last lesson in two tabs, or the last two lessons (the
    queue of quizzes kept offline is sent by two tabs) — each alone completes the module
    only with the other, so neither may miss the other's pass."""
    amina = factory.user("amina", group=factory.group())
    phones = [Browser(app, "amina", PIN) for _ in range(2)]
    module = app.extensions["catalogue"].module("waste")
    done, last = module.lessons[:-last_lessons], module.lessons[-last_lessons:]
    db.session.add_all(QuizAttempt(
        attempt_id=str(uuid.uuid4()), user_id=amina.id, module_slug=module.slug,
        lesson_slug=lesson.slug, answers={}, score=100, passed=True) for lesson in done)
    db.session.commit()
    for _ in range(ROUNDS):
        quizzes = [last[i % len(last)] for i in range(2)]
        responses = at_once(*(partial(
            phone.post, f"/modules/{module.slug}/{lesson.slug}/quiz",
            {"attempt_id": str(uuid.uuid4()), **right_answers(lesson)})
            for phone, lesson in zip(phones, quizzes, strict=True)))

        assert [response.status_code for response in responses] == [303, 303]
        assert count(ModuleCompletion, user_id=amina.id, module_slug=module.slug) == 1
        forget_passes(amina, module, last)


def forget_passes(person, module, lessons) -> None:
    """Back to "all but `lessons` passed", for the next round."""
    db.session.execute(sa.delete(ModuleCompletion).filter_by(user_id=person.id))
    db.session.execute(sa.delete(QuizAttempt).where(
        QuizAttempt.user_id == person.id, QuizAttempt.module_slug == module.slug,
        QuizAttempt.lesson_slug.in_([lesson.slug for lesson in lessons])))
    db.session.commit()
