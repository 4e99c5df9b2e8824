"""Accessibility, proven in a real browser on a phone.

- axe-core on every page type participants, teachers and coordinators use, left-to-right
  (English) and right-to-left (Arabic): no violations; each page also fits 360 px and has 44 px
  tap targets (Phone.snap).
- A participant completes a quiz with the keyboard alone, and can always see where they are.
- Text zoomed to 200 % still fits the phone's width: no sideways scrolling.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from housingschool.accounts.models import User
from housingschool.certificates import services as certificates
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.privacy.services import request_deletion
from housingschool.teaching import live_services
from housingschool.teaching.models import Group, GroupSession

LESSON = ("tenancy-rights", "deposit-and-rent")
SECRETS = {"amina": "482915", "teacher": "demo-teacher-pass",
           "coordinator": "demo-coordinator-pass", "admin": "demo-admin-pass"}
PUBLIC_PAGES = {
    "login": "/login", "login-pictures": "/login/pictures", "join": "/join",
    "register": "/join/BOLIG2026", "verify": "/verify", "verify-certificate": "/verify/{code}",
    "offline": "/offline", "not-found": "/no-such-page",
}
PARTICIPANT_PAGES = {
    "home": "/", "module": "/modules/{module}", "lesson": "/modules/{module}/{lesson}",
    "side-by-side": "/modules/{module}/{lesson}/side-by-side",
    "quiz-result": "/modules/{module}/{lesson}/attempts/{attempt}", "progress": "/progress",
    "sessions": "/sessions", "check-in": "/checkin", "language-picker": "/language",
    "live": "/live", "my-certificates": "/my/certificates", "certificate": "/certificates/{number}",
    "my-data": "/my/data", "ask-deletion": "/my/data/delete",
}
TEACHER_PAGES = {
    "dashboard": "/teach/", "group": "/teach/groups/{group}",
    "new-group": "/teach/groups/new", "join-sheet": "/teach/groups/{group}/join-sheet",
    "plan-session": "/teach/groups/{group}/sessions/new", "session": "/teach/sessions/{session}",
    "attendance-sheet": "/teach/sessions/{session}/sheet",
    "check-in-screen": "/teach/sessions/{session}/checkin",
    "progress": "/teach/groups/{group}/progress", "live": "/teach/groups/{group}/live",
}
COORDINATOR_PAGES = {
    "reports": "/reports/", "group-report": "/reports/groups/{group}",
    "participant-report": "/reports/participants/{participant}", "hours": "/reports/hours",
    "completion": "/reports/completion", "certificates": "/certificates",
    "participant-certificates": "/certificates/participants/{participant}",
    "staff": "/staff", "new-staff": "/staff/new", "course-rules": "/staff/settings",
    "privacy-requests": "/privacy/requests", "privacy-participant": "/privacy/participants/{yonas}",
    "local-note": "/local-notes/{module}/{lesson}",
}
ADMIN_PAGES = {
    "organisations": "/admin/organisations", "new-organisation": "/admin/organisations/new",
    "audit": "/admin/audit",
}


@pytest.fixture
def school(app, ctx):
    """The demo school (`flask demo load`): a group with a teacher, a coordinator, an admin,
    Amina (finished, with a certificate) and Yonas (asked for his data to be deleted); a session
    today with check-in, and a live class running. Returns the ids the page addresses need."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    group = db.session.scalar(sa.select(Group))
    catalogue = app.extensions["catalogue"]
    certificate = certificates.issue(users["amina"], users["coordinator"], "en", catalogue)
    request_deletion(users["yonas"])
    now = datetime.now(UTC)
    session = GroupSession(group=group, starts_at=now - timedelta(minutes=10),
                           ends_at=now + timedelta(minutes=80), place="Rom 2",
                           lessons=[LESSON[0]])
    db.session.add(session)
    live_services.start(group, catalogue.lesson(*LESSON), users["teacher"], catalogue)
    db.session.commit()
    attempt = db.session.scalar(sa.select(QuizAttempt.attempt_id).where(
        QuizAttempt.user_id == users["amina"].id, QuizAttempt.module_slug == LESSON[0],
        QuizAttempt.lesson_slug == LESSON[1]))
    return {"module": LESSON[0], "lesson": LESSON[1], "attempt": attempt, "group": group.id,
            "session": session.id, "participant": users["amina"].id, "yonas": users["yonas"].id,
            "number": certificate.number, "code": certificate.code}


def sign_in(phone, username):
    phone.goto("/login")
    phone.page.fill('input[name="username"]', username)
    phone.page.fill('input[name="secret"]', SECRETS[username])
    phone.page.locator("main button[type=submit]").click()
    expect(phone.page.locator(".site-nav form button")).to_be_visible()  # "Sign out"


def check_pages(phone, pages, ids, code):
    """Open each page in the language and snap it (fit, tap targets, axe-core); the language
    must hold on every page."""
    for name, address in pages.items():
        phone.goto(address.format(**ids))
        expect(phone.page.locator("html")).to_have_attribute("lang", code)
        phone.snap(name)


LANGUAGES = pytest.mark.parametrize("code", ["en", "ar"])


@pytest.mark.browser
@LANGUAGES
def test_participant_pages_pass_axe(phone, school, code):
    phone = phone(locale=code)
    phone.goto(f"/?lang={code}")
    check_pages(phone, PUBLIC_PAGES, school, code)
    sign_in(phone, "amina")
    check_pages(phone, PARTICIPANT_PAGES, school, code)
    expect(phone.page.locator("html")).to_have_attribute("dir", "rtl" if code == "ar" else "ltr")


@pytest.mark.browser
@LANGUAGES
def test_teacher_pages_pass_axe(phone, school, code):
    phone = phone(locale=code)
    phone.goto(f"/?lang={code}")
    sign_in(phone, "teacher")
    check_pages(phone, TEACHER_PAGES, school, code)
    phone.goto(f"/teach/groups/{school['group']}/participants/add")
    phone.snap("add-participants")
    phone.page.fill("textarea", "Hodan Ali")
    phone.page.locator("main button[type=submit]").click()
    expect(phone.page.locator(".login-card")).to_have_count(1)
    phone.snap("login-cards")


@pytest.mark.browser
@LANGUAGES
def test_coordinator_and_admin_pages_pass_axe(phone, school, code):
    coordinator = phone(locale=code, name="coordinator")
    coordinator.goto(f"/?lang={code}")
    sign_in(coordinator, "coordinator")
    check_pages(coordinator, COORDINATOR_PAGES, school, code)
    admin = phone(locale=code, name="admin")
    admin.goto(f"/?lang={code}")
    sign_in(admin, "admin")
    check_pages(admin, ADMIN_PAGES, school, code)


FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e),
  r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), type: e.type || null, name: e.name || null,
          value: e.value || null, href: e.getAttribute("href"), checked: !!e.checked,
          text: (e.textContent || e.value || "").trim().slice(0, 40),
          outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
          shadow: s.boxShadow !== "none",
          inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth}; }"""


class Keyboard:
    """Tab, Space and Enter, noting every stop where focus cannot be seen."""

    def __init__(self, page):
        self.page, self.unseen = page, []

    def tab(self) -> dict:
        self.page.keyboard.press("Tab")
        focused = self.page.evaluate(FOCUSED)
        if not ((focused["outline"] or focused["shadow"]) and focused["inView"]):
            self.unseen.append(focused)
        return focused

    def tab_to(self, matches, limit=80) -> dict:
        for _ in range(limit):
            focused = self.tab()
            if matches(focused):
                return focused
        raise AssertionError(f"Tab never reached the element; last stop: {focused}")


@pytest.mark.browser
def test_a_participant_completes_a_quiz_with_tab_space_and_enter_only(phone, app, factory):
    """Sign in, open the lesson and answer its quiz with the keyboard alone. Tab reaches the
    first option of each single-choice question (Space chooses it; moving inside a radio group
    takes the arrow keys, which this test does not use) and every checkbox."""
    factory.user("amina", group=factory.group())
    lesson = app.extensions["catalogue"].lesson(*LESSON)
    phone = phone()
    page, keys = phone.page, Keyboard(phone.page)
    phone.goto("/login?lang=en")
    keys.tab_to(lambda f: f["name"] == "username")
    page.keyboard.type("amina")
    keys.tab_to(lambda f: f["name"] == "secret")
    page.keyboard.type("482915")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Amina")
    keys.tab_to(lambda f: f["href"] == f"/modules/{LESSON[0]}")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_be_visible()
    keys.tab_to(lambda f: f["href"] == f"/modules/{LESSON[0]}/{LESSON[1]}")
    page.keyboard.press("Enter")
    expect(page.locator("article.lesson h1")).to_be_visible()

    correct = {q.id: q.correct for q in lesson.questions}
    focused = keys.tab_to(lambda f: (f["name"] or "").startswith("q-"), limit=200)
    while focused["tag"] == "input":
        question = focused["name"].removeprefix("q-")
        if focused["type"] == "radio" or focused["value"] in correct[question]:
            page.keyboard.press("Space")
        focused = keys.tab()
    assert focused["tag"] == "button" and focused["type"] == "submit", focused
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_contain_text("Your result")
    assert re.search(r"/attempts/[0-9a-f-]{36}$", page.url)
    saved = db.session.scalars(sa.select(QuizAttempt)).all()
    assert len(saved) == 1 and set(saved[0].answers) == set(correct), "every question answered"
    assert not keys.unseen, f"focus could not be seen on: {keys.unseen}"


ZOOM_TEXT = """() => { const root = document.documentElement;
  root.style.fontSize = 2 * parseFloat(getComputedStyle(root).fontSize) + "px"; }"""
OVERFLOW = """() => [...document.querySelectorAll("body *")].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width && (r.right > 361 || r.left < -1) && !e.closest(".table-scroll");
  }).map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.trim().slice(0, 30)}`)
  .slice(0, 5)"""


@pytest.mark.browser
@LANGUAGES
def test_participant_pages_fit_the_phone_with_text_at_200_percent(phone, school, code):
    """Like Android's font size setting at 200 %: every text size doubles (the root font size,
    which all sizes in rem and em follow), the screen stays 360 px wide. Nothing may need
    sideways scrolling; wide tables scroll inside their own box, as they should."""
    phone = phone(locale=code)
    page = phone.page
    phone.goto(f"/?lang={code}")
    pages = {**PUBLIC_PAGES}
    wide = {}
    for signed_in in (False, True):
        if signed_in:
            sign_in(phone, "amina")
            pages = PARTICIPANT_PAGES
        for name, address in pages.items():
            phone.goto(address.format(**school))
            page.evaluate(ZOOM_TEXT)
            page.screenshot(path=phone.folder / f"{name}-200.png", full_page=True)
            if page.evaluate("document.documentElement.scrollWidth") > 360:
                wide[name] = page.evaluate(OVERFLOW)
    assert not wide, f"wider than the phone with text at 200 %: {wide}"
