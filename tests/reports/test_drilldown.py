"""Group → participant: who needs follow-up and why, every lesson and session, logged views."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date
from story import PASSWORD, attempt

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent

OSLO = ZoneInfo("Europe/Oslo")


def follow_up(page: str) -> dict[str, list[str]]:
    """The "needs follow-up" list: name -> reasons, tags stripped."""
    found = {}
    for name, reasons in re.findall(
            r'class="follow-up-name"[^>]*>([^<]+)</a>\s*<ul>(.*?)</ul>', page, re.S):
        found[name] = [re.sub(r"\s+", " ", r).strip() for r in re.findall(r"<li>(.*?)</li>",
                                                                             reasons, re.S)]
    return found


def cells(page: str, name: str) -> list[str]:
    match = re.search(r"<tr[^>]*>\s*<th scope=\"row\">(?:(?!</tr>).)*?" + re.escape(name)
                      + r"(?:(?!</tr>).)*</tr>", page, re.S)
    assert match, f"no row for {name}"
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(0), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in found]


def test_group_page_lists_who_needs_follow_up_and_why(app, school, coordinator):
    page = coordinator.get(f"/reports/groups/{school.spring.id}?lang=en").get_data(as_text=True)
    lesson = app.extensions["catalogue"].lesson("waste", "sorting-at-home").text("en").text.title
    assert follow_up(page) == {"محمد الأحمد": [
        "Not active for 14 days or more",
        f"Failed the quiz 2 times and has not passed it yet: {lesson}",
        "Absent from the last two sessions"]}


def test_group_page_has_each_participants_numbers(school, coordinator):
    page = coordinator.get(f"/reports/groups/{school.spring.id}?lang=en").get_data(as_text=True)
    assert cells(page, "Маріям Коваленко")[1:3] == ["3 of 23", "1 of 7"]
    assert cells(page, "Маріям Коваленко")[4:] == ["3 of 3 (100%)", "4.5"]
    assert cells(page, "محمد الأحمد")[1:3] == ["0 of 23", "0 of 7"]
    assert cells(page, "محمد الأحمد")[4:] == ["1 of 3 (33%)", "1"]
    assert cells(page, "Yonas Tesfay")[3] == "Never"
    assert "Tove" not in page  # the teacher is a member, not a participant
    assert f'href="/reports/participants/{school.mariam.id}"' in page


def test_quiz_passed_after_two_failures_needs_no_follow_up(school, coordinator):
    attempt(school.mohammed, "waste/sorting-at-home", True, school.now - timedelta(days=18))
    db.session.commit()
    page = coordinator.get(f"/reports/groups/{school.spring.id}?lang=en").get_data(as_text=True)
    assert follow_up(page)["محمد الأحمد"] == ["Not active for 14 days or more",
                                            "Absent from the last two sessions"]


def test_absent_only_when_it_is_the_two_most_recent_sessions(school, factory, coordinator):
    later = factory.session(school.spring, school.now - timedelta(days=2))
    factory.attendance(later, school.mohammed, "present", 90)
    page = coordinator.get(f"/reports/groups/{school.spring.id}?lang=en").get_data(as_text=True)
    assert "Absent from the last two sessions" not in page


def test_nobody_to_follow_up_is_said_in_words(school, coordinator):
    page = coordinator.get(f"/reports/groups/{school.autumn.id}?lang=en").get_data(as_text=True)
    assert follow_up(page) == {"Åse Ødegård": ["Not active for 14 days or more"]}
    school.aase.active = False  # deactivated: nobody left to follow up
    db.session.commit()
    page = coordinator.get(f"/reports/groups/{school.autumn.id}?lang=en").get_data(as_text=True)
    assert "Nobody in this group needs follow-up right now." in page


def test_participant_page_shows_every_lesson_with_status_score_and_date(app, school,
                                                                         coordinator):
    page = coordinator.get(f"/reports/participants/{school.mariam.id}?lang=en").get_data(
        as_text=True)
    catalogue = app.extensions["catalogue"]
    lessons = page.split('id="lessons-heading"')[1].split('id="sessions-heading"')[0]
    assert lessons.count('<th scope="row">') == 23  # every lesson of the course
    done = catalogue.lesson("waste", "which-bin").text("en").text.title
    done_day = (school.now - timedelta(days=10)).astimezone(OSLO).date()
    status, score = cells(page, done)[1:]
    assert status.startswith("✓ Done") and format_date(done_day, locale="en") in status
    assert score == "90%"
    opened = catalogue.lesson("cleaning", "cleaning-routines").text("en").text.title
    opened_day = (school.now - timedelta(days=9)).astimezone(OSLO).date()
    assert cells(page, opened)[1:] == [f"Opened {format_date(opened_day, locale='en')}",
                                       "– No quiz yet"]
    never = catalogue.lesson("fire-safety", "smoke-alarms-and-extinguishers").text("en").text.title
    assert cells(page, never)[1:] == ["Not started", "– No quiz yet"]


def test_participant_page_shows_every_session_and_hours(school, coordinator):
    page = coordinator.get(f"/reports/participants/{school.mohammed.id}?lang=en").get_data(
        as_text=True)
    statuses = re.findall(r"</td>\s*<td>([A-Za-z ]+)</td>\s*<td class=\"num\">(\d*)</td>", page)
    assert statuses == [("Coming up", ""), ("Absent", "0"), ("Absent", "0"), ("Late", "60")]
    assert re.search(r"<dt>Hours at sessions</dt><dd>1</dd>", page)
    assert "Not active for 14 days or more" in page
    assert "Absent from the last two sessions of Boligskole vår" in page


def test_every_view_of_a_participant_is_in_the_audit_log(school, coordinator):
    coordinator.get(f"/reports/participants/{school.mariam.id}")
    coordinator.get(f"/reports/participants/{school.mariam.id}")
    coordinator.get(f"/reports/groups/{school.spring.id}")
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.subject_id) for e in events] == [
        ("view.participant", school.mariam.id), ("view.participant", school.mariam.id),
        ("view.group", None)]
    assert events[2].detail == {"group": school.spring.id, "rows": 3}


def test_staff_and_other_organisations_people_are_not_participants_here(school, client,
                                                                        factory):
    client.login("kari", PASSWORD)
    teacher = factory.user("tina", "teacher", PASSWORD, organisation=school.spring.organisation)
    assert client.get(f"/reports/participants/{teacher.id}").status_code == 404
    assert client.get(f"/reports/participants/{school.outsider.id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0
