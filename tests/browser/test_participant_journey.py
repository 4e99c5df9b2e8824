"""A participant on a phone: joins with a code, learns a lesson, passes its quiz, sees progress."""

import re

import pytest
from playwright.sync_api import expect

LESSON = ("tenancy-rights", "deposit-and-rent")


def answer_quiz_correctly(phone, lesson):
    for question in lesson.questions:
        for option in sorted(question.correct):
            phone.page.locator(f'input[name="q-{question.id}"][value="{option}"]').check()


def journey(phone, app, factory, ui_language: str):
    """The whole path; every step is screenshotted and checked for fit and tap size."""
    factory.group(join_code="HOME2026")
    lesson = app.extensions["catalogue"].lesson(*LESSON)
    page = phone.page

    phone.goto("/")
    page.locator(".site-nav a[href^='/language']").click()
    phone.snap("language-picker")
    page.locator(f"a[hreflang='{ui_language}']").click()
    expect(page.locator("html")).to_have_attribute("lang", ui_language)
    phone.snap("home")
    page.locator("main a.button").first.click()  # "Join a course"
    page.fill('input[name="code"]', "home2026")
    phone.snap("join-code")
    page.locator("main button[type=submit]").click()
    expect(page.locator("input[name=username]")).to_be_visible()
    page.fill('input[name="username"]', "yonas")
    page.fill('input[name="display_name"]', "Yonas")
    page.fill('input[name="secret"]', "739146")
    page.fill('input[name="confirm"]', "739146")
    phone.snap("make-account")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Yonas")
    phone.snap("signed-in-home")

    page.locator(f'a.tile[href="/modules/{LESSON[0]}"]').click()
    phone.snap("module")
    page.locator(f'a[href="/modules/{LESSON[0]}/{LESSON[1]}"]').click()
    expect(page.locator("article.lesson h1")).to_be_visible()
    phone.snap("lesson")
    answer_quiz_correctly(phone, lesson)
    page.locator("#quiz button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("100")
    assert re.search(r"/attempts/[0-9a-f-]{36}$", page.url)
    phone.snap("quiz-result")

    page.locator(".site-nav a[href='/progress']").click()
    expect(page.locator(".progress-module .badge-done")).to_have_count(1)
    phone.snap("progress")
    expect(page.locator("html")).to_have_attribute("lang", ui_language)
    return page


@pytest.mark.browser
def test_participant_joins_learns_and_sees_progress_on_a_phone(phone, app, factory):
    page = journey(phone(), app, factory, "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    progress = page.locator("main").inner_text()
    total = len(app.extensions["catalogue"].module(LESSON[0]).lessons)
    assert f"1 of {total} lessons done" in progress and "best score 100 %" in progress


@pytest.mark.browser
def test_the_same_in_arabic_right_to_left_without_javascript(phone, app, factory):
    page = journey(phone(javascript=False, locale="ar"), app, factory, "ar")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    brand = page.locator(".brand").bounding_box()
    nav = page.locator(".site-nav").bounding_box()
    assert brand["x"] > nav["x"], "in right-to-left the site name sits on the right"
    assert "Sign in" not in page.locator("body").inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("code", ["nb", "uk", "fa-AF", "ti", "so"])
def test_the_same_journey_works_in_every_other_language(phone, app, factory, code):
    page = journey(phone(), app, factory, code)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if code == "fa-AF" else "ltr")


@pytest.mark.browser
def test_a_wrong_answer_is_explained_kindly_and_a_retry_is_offered(phone, app):
    lesson = app.extensions["catalogue"].lesson(*LESSON)
    phone = phone()
    phone.goto(f"/modules/{LESSON[0]}/{LESSON[1]}?lang=nb")
    page = phone.page
    for question in lesson.questions:
        wrong = next(o for o in question.options if o not in question.correct)
        page.locator(f'input[name="q-{question.id}"][value="{wrong}"]').check()
    page.locator("#quiz button[type=submit]").click()
    first = lesson.questions[0]
    wrong = next(o for o in first.options if o not in first.correct)
    explanation = lesson.texts["nb"].questions[first.id].options[wrong].explain
    expect(page.locator("main")).to_contain_text(explanation)
    phone.snap("wrong-answers-explained")
    page.locator(f'a[href="/modules/{LESSON[0]}/{LESSON[1]}#quiz"]').click()
    expect(page.locator("#quiz")).to_be_visible()
