"""A coordinator on a phone: overview → group → participant → hours CSV → certificate → verify."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.learning.services import record_module_completions


def sign_in(phone, username, secret):
    phone.goto("/login")
    phone.page.fill('input[name="username"]', username)
    phone.page.fill('input[name="secret"]', secret)
    phone.page.locator("main button[type=submit]").click()


def complete_the_course(app, user) -> None:
    """Passed quizzes for every lesson of the course, a week ago."""
    when = datetime.now(UTC) - timedelta(days=7)
    for number, lesson in enumerate(
            lesson for module in app.extensions["catalogue"].modules for lesson in module.lessons):
        db.session.add(QuizAttempt(attempt_id=f"done-{number}", user_id=user.id,
                                   module_slug=lesson.module_slug, lesson_slug=lesson.slug,
                                   answers={}, score=100, passed=True, submitted_at=when))
    record_module_completions(app.extensions["catalogue"], [user.id])
    db.session.commit()


@pytest.mark.browser
def test_coordinator_reports_hours_and_issues_a_certificate_on_a_phone(phone, app, factory):
    group = factory.group(name="Boligskole høst")
    mariam = factory.user("mariam", group=group, language="uk",
                          display_name="Маріям Коваленко")
    factory.user("kari", "coordinator", "coordinator-pass-1", organisation=group.organisation)
    complete_the_course(app, mariam)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    first = factory.session(group, starts_at=yesterday - timedelta(days=7), minutes=90)
    second = factory.session(group, starts_at=yesterday, minutes=90)
    factory.attendance(first, mariam, "present")
    factory.attendance(second, mariam, "late", minutes=60)

    coordinator = phone(name="coordinator")
    page = coordinator.page
    sign_in(coordinator, "kari", "coordinator-pass-1")
    page.locator(".site-nav a[href='/teach/']").click()
    coordinator.snap("dashboard")
    page.locator("main a[href='/reports/']").click()
    expect(page.locator("h1")).to_have_text("Reports")
    expect(page.locator("main svg").first).to_be_visible()  # a chart, drawn on the server
    coordinator.snap("overview")

    page.locator("main a", has_text="Boligskole høst").first.click()
    coordinator.snap("group")
    page.locator("main a", has_text="Маріям Коваленко").first.click()
    expect(page.locator("h1")).to_have_text("Маріям Коваленко")
    coordinator.snap("participant")
    participant_url = page.url

    page.locator("main a", has_text="Attendance hours").first.click()
    start = (yesterday - timedelta(days=30)).date().isoformat()
    page.fill('input[name="start"]', start)
    page.locator("main form button[type=submit]").click()
    coordinator.snap("hours")
    with page.expect_download() as download:
        page.locator("main a[href*='format=csv']").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    mariam_row = next(row for row in rows if row[0] == "Маріям Коваленко")
    header = rows[0]
    assert mariam_row[header.index("Minutes")] == "150"  # 90 present + 60 late
    assert mariam_row[header.index("Attended")] == "2"

    page.goto(participant_url)
    page.locator("main a", has_text="Certificate").first.click()
    expect(page.locator("main")).to_contain_text("can get a certificate")
    coordinator.snap("certificate-page")
    page.locator("main button[type=submit]", has_text="Issue certificate").click()
    number = page.locator(".cert-number").first.inner_text().strip()
    assert re.fullmatch(r"BS-\d{4}-\d{5}", number)
    coordinator.snap("certificate-issued")

    with page.expect_download() as download:
        page.locator("main a", has_text="Download PDF").first.click()
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == 1
    pdf_text = pdf.pages[0].extract_text()
    assert number in pdf_text
    verify_path = re.search(r"/verify/[A-Za-z0-9_-]{20,}", pdf_text).group(0)

    landlord = phone(name="landlord")  # anyone, not signed in
    landlord.goto(verify_path)
    expect(landlord.page.locator("h1")).to_contain_text("Genuine certificate")
    expect(landlord.page.locator(".cert-initials")).to_have_text("М. К.")
    expect(landlord.page.locator("main")).to_contain_text(number)
    expect(landlord.page.locator("main")).not_to_contain_text("Коваленко")
    landlord.snap("verify")

    holder = phone(name="participant", locale="uk-UA")  # Mariam, on her own phone
    sign_in(holder, "mariam", "482915")
    holder.goto("/progress")
    holder.page.locator("main a[href='/my/certificates']").click()
    expect(holder.page.locator("main")).to_contain_text(number)
    holder.snap("my-certificates")
    holder.page.locator(f"main a[href='/certificates/{number}']").click()
    expect(holder.page.locator(".cert-name")).to_have_text("Маріям Коваленко")
    expect(holder.page.locator(".cert-qr svg")).to_be_visible()
    holder.snap("show-certificate")
    holder.goto("/my/data")
    holder.snap("my-data")
    with holder.page.expect_download() as download:
        holder.page.locator("main a[href='/my/data/download']").click()
    mine = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert mine["profile"]["name"] == "Маріям Коваленко"
    assert [c["number"] for c in mine["certificates"]] == [number]
