"""A live class in real browsers: the teacher's projector on a laptop, participants on phones."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"
LESSON = ("tenancy-rights", "deposit-and-rent")


def sign_in(page, base_url, username, secret):
    """Sign in through the form, as a person would."""
    page.goto(base_url + "/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="secret"]', secret)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".site-nav form button")).to_be_visible()  # "Sign out"


def press(page, action):
    """Press one of the projector's buttons (by what it does, in any language)."""
    page.locator(f'form[action*="/live/{action}"] button').first.click()


class Projector:
    """The teacher's laptop on the projector: 1280 × 720, screenshots and axe-core per step."""

    def __init__(self, page, folder: Path):
        self.page, self.folder, self.step = page, folder, 0

    def snap(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(path=self.folder / f"{self.step:02d}-{name}.png")
        result = Axe().run(self.page)
        assert result.violations_count == 0, f"{name}: {result.generate_report()}"


@pytest.fixture
def projector(browser, live_server, request, phone):
    """The projector's screenshots go beside the phones' (the phone fixture clears the folder
    first, so it is set up first)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    context.set_default_timeout(15_000)
    request.addfinalizer(context.close)
    folder = ARTIFACTS / request.node.name / "projector"
    folder.mkdir(parents=True, exist_ok=True)
    return Projector(context.new_page(), folder)


def answer_on(phone, base_url, options):
    page = phone.page
    if not page.url.endswith("/live"):
        page.goto(base_url + "/live")
    expect(page.locator("form.live-answer")).to_be_visible()  # open phones follow by themselves
    for option in options:
        page.locator(f'input[name="option"][value="{option}"]').check()
    page.locator("form.live-answer button[type=submit]").click()
    expect(page.locator(".flash-success").first).to_be_visible()


@pytest.mark.browser
def test_teacher_runs_a_live_quiz_that_phones_answer(phone, projector, live_server, factory, app):
    group = factory.group()
    factory.teacher_in(group, "tove")
    factory.user("amina", group=group, language="ar")
    factory.user("yonas", secret="739146", group=group)
    lesson = app.extensions["catalogue"].lesson(*LESSON)
    question = lesson.questions[0]
    right = sorted(question.correct)
    wrong = [next(o for o in question.options if o not in question.correct)]
    amina, yonas = phone(locale="ar", name="amina"), phone(name="yonas")
    teachers_phone = phone(name="teacher-phone")
    live_url = f"/teach/groups/{group.id}/live"

    page = projector.page
    sign_in(page, live_server, "tove", "teacher-pass-1")
    page.goto(live_server + live_url)
    page.locator(f'button[name="lesson"][value="{"/".join(LESSON)}"]').click()
    expect(page.locator("h1")).to_have_text(lesson.texts["nb"].title)
    projector.snap("title-slide")
    sign_in(amina.page, live_server, "amina", "482915")
    amina.goto("/live")
    expect(amina.page.locator("h1")).to_have_text(lesson.texts["ar"].title)
    amina.snap("title-slide")

    page.locator('[data-live-key="next"]').click()
    expect(page.locator(".slide h2").first).to_have_text("Depositum")
    projector.snap("first-section")
    arabic_heading = re.search(r"<h2>(.*?)</h2>", lesson.texts["ar"].html).group(1)
    expect(amina.page.locator(".slide h2")).to_have_text(arabic_heading)  # followed by itself
    expect(amina.page.locator(".slide")).to_have_attribute("dir", "rtl")
    amina.snap("first-section-in-arabic")

    press(page, "quiz")
    prompt = lesson.texts["nb"].questions[question.id].prompt
    expect(page.locator(".live-prompt")).to_have_text(prompt)
    answered = page.locator('[data-live-field="answered"]')
    expect(answered).to_have_text("0")
    projector.snap("quiz-question")

    sign_in(yonas.page, live_server, "yonas", "739146")
    answer_on(amina, live_server, right)
    amina.snap("answered")
    answer_on(yonas, live_server, wrong)

    handle = answered.element_handle()
    expect(answered).to_have_text("2")  # live.js polled; the page was not reloaded
    assert handle.evaluate("element => element.isConnected")
    projector.snap("two-answered")

    press(page, "reveal")
    right_option = page.locator(".live-option-right .live-share-text").first
    expect(right_option).to_have_text(re.compile(r"^50 % \(1 \w+ 2\)$"))  # bokmål: "1 av 2"
    expect(page.locator(".live-option-right")).to_have_count(len(right))
    projector.snap("revealed")

    expect(amina.page.locator(".answer-right")).to_be_visible()  # the phone followed by itself
    amina.snap("right")
    expect(yonas.page.locator(".answer-wrong")).to_be_visible()
    yonas.snap("not-right-yet")

    sign_in(teachers_phone.page, live_server, "tove", "teacher-pass-1")
    teachers_phone.goto(live_url)
    expect(teachers_phone.page.locator(".live-share-text").first).to_be_visible()
    teachers_phone.snap("projector-revealed")
