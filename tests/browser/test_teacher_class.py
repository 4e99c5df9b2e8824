"""A teacher runs a class from a phone: group, participants, session, check-in, attendance."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect


def sign_in(phone, username, secret):
    phone.goto("/login")
    phone.page.fill('input[name="username"]', username)
    phone.page.fill('input[name="secret"]', secret)
    phone.page.locator("main button[type=submit]").click()


@pytest.mark.browser
def test_teacher_runs_check_in_and_attendance_on_a_phone(phone, factory):
    organisation = factory.org()
    factory.user("tove", "teacher", "teacher-pass-1", organisation=organisation)
    teacher = phone(name="teacher")
    page = teacher.page
    sign_in(teacher, "tove", "teacher-pass-1")
    page.locator(".site-nav a[href='/teach/']").click()
    teacher.snap("my-groups")
    page.locator("main a[href='/teach/groups/new']").click()
    page.fill('input[name="name"]', "Boligskole vår")
    page.locator('input[name="languages"][value="ar"]').check()
    teacher.snap("new-group")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".join-code")).to_be_visible()
    teacher.snap("group")

    page.locator("main a[href$='/participants/add']").click()
    page.fill('textarea[name="names"]', "Amina\nYonas\nFatima")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".login-card")).to_have_count(3)
    teacher.snap("login-cards")
    cards = {}
    for card in page.locator(".login-card").all():
        name = card.locator(".card-name").inner_text()
        username, pin = card.locator(".card-value").all_inner_texts()
        cards[name] = (username, pin)

    page.locator("main a.button", has_text="Back to the group").click()
    page.locator("main a[href$='/sessions/new']").click()
    today = datetime.now(ZoneInfo("Europe/Oslo")).date().isoformat()
    page.fill('input[name="day"]', today)
    page.fill('input[name="start"]', "00:01")
    page.fill('input[name="end"]', "23:59")
    page.fill('input[name="place"]', "Rom 2")
    page.locator('input[name="lessons"][value="tenancy-rights"]').check()
    teacher.snap("plan-session")
    page.locator("main button[type=submit]").click()
    page.locator("main form[action$='/checkin/open'] button").click()
    code = page.locator(".checkin-code").inner_text().strip()
    assert re.fullmatch(r"\d{4}", code)
    teacher.snap("check-in-code")
    session_url = page.url.removesuffix("/checkin")

    for name in ("Amina", "Yonas"):
        participant = phone(name=name.lower())
        username, pin = cards[name]
        sign_in(participant, username, pin)
        participant.goto("/checkin")
        participant.page.fill('input[name="code"]', code)
        participant.page.locator("main button[type=submit]").click()
        expect(participant.page.locator(".flash-success")).to_be_visible()
        participant.snap(f"checked-in-{name.lower()}")

    page.goto(session_url)
    fatima = page.locator(".attendance-row", has_text="Fatima")
    fatima.locator("button[value=late]").click()
    expect(page.locator(".attendance-row", has_text="Fatima")).to_contain_text("Late")
    teacher.snap("attendance")

    page.locator("main a[href$='/sheet']").click()
    rows = {row.locator("th").inner_text(): row.locator("td").all_inner_texts()
            for row in page.locator("table.sheet tbody tr").all()}
    assert rows["Amina"][:2] == ["Present", "1438"]
    assert rows["Yonas"][:2] == ["Present", "1438"]
    assert rows["Fatima"][:2] == ["Late", "1423"]
    teacher.snap("attendance-sheet")
