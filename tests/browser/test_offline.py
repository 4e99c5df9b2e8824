"""No signal in the classroom: kept lessons still read, and quiz answers wait on the phone.

The service worker keeps the lessons a participant opens or downloads; a quiz answered
without internet is kept in the phone's IndexedDB and sent once the connection returns.
"""

import time
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt

MODULE = "tenancy-rights"
LESSON = "duties"  # never opened directly in these tests: it reaches the phone by download


def sign_in(phone, username="amina", secret="482915"):
    phone.goto("/login")
    phone.page.fill('input[name="username"]', username)
    phone.page.fill('input[name="secret"]', secret)
    phone.page.locator("main button[type=submit]").click()
    expect(phone.page.locator(".site-nav form button")).to_be_visible()  # "Sign out"


def wait_for_service_worker(page):
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def answer_quiz(page, lesson):
    for question in lesson.questions:
        for option in sorted(question.correct):
            page.locator(f'input[name="q-{question.id}"][value="{option}"]').check()


def attempts(user_id, lesson_slug=LESSON) -> list[QuizAttempt]:
    db.session.rollback()  # see what the server committed since the last look
    return db.session.scalars(sa.select(QuizAttempt).filter_by(
        user_id=user_id, lesson_slug=lesson_slug)).all()


def wait_for_attempts(user_id, count, seconds=10):
    """The attempts once `count` of them arrived (or whatever is there after `seconds`)."""
    deadline = time.monotonic() + seconds
    while len(found := attempts(user_id)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


@pytest.fixture
def amina(factory):
    return factory.user("amina", group=factory.group())


@pytest.mark.browser
def test_a_downloaded_lesson_reads_offline_and_its_quiz_is_sent_once_back_online(
        phone, app, amina):
    phone = phone()
    page = phone.page
    lesson = app.extensions["catalogue"].lesson(MODULE, LESSON)
    sign_in(phone)
    phone.goto(f"/modules/{MODULE}")
    wait_for_service_worker(page)
    download = page.locator(".offline-download")
    expect(download).to_be_visible()
    phone.snap("topic-with-download-button")
    download.get_by_role("button", name="Download this topic").click()
    expect(download.locator("[role=status]")).to_contain_text("Ready to read offline")
    phone.snap("topic-downloaded")

    page.context.set_offline(True)
    phone.goto("/progress")  # not kept on the phone: the offline page lists what is
    expect(page.locator("h1")).to_have_text("You are offline")
    kept = page.locator(".offline-list a")
    expect(kept).to_have_count(len(app.extensions["catalogue"].module(MODULE).lessons))
    phone.snap("offline-page")
    kept.filter(has_text=lesson.text("en").text.title).click()
    expect(page.locator("article.lesson h1")).to_have_text(lesson.text("en").text.title)
    picture = page.locator("article.lesson p img").first
    picture.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=picture.element_handle())
    page.locator("#quiz button[type=submit]").click()  # nothing answered yet
    expect(page.locator(".offline-missing")).to_have_count(len(lesson.questions))
    expect(page.locator(".offline-waiting")).to_have_count(0)
    answer_quiz(page, lesson)
    page.locator("#quiz button[type=submit]").click()
    expect(page.locator(".offline-missing")).to_have_count(0)
    expect(page.locator(".offline-saved")).to_contain_text(
        "Your answers are saved on this phone. They will be sent when you are online.")
    expect(page.locator(".offline-waiting")).to_have_text("Quiz answers waiting to be sent: 1")
    phone.snap("answers-kept-offline")
    assert attempts(amina.id) == [], "nothing reaches the server without internet"

    page.context.set_offline(False)
    expect(page.locator(".offline-sent")).to_contain_text("Your saved quiz answers have been sent.")
    expect(page.locator(".offline-waiting")).to_be_hidden()
    expect(page.locator(".offline-saved")).to_have_count(0)
    phone.snap("answers-sent")
    saved = wait_for_attempts(amina.id, 1)
    assert [(a.score, a.passed) for a in saved] == [(100, True)]

    page.locator(".offline-sent a").click()  # "See your result"
    expect(page.locator("h1")).to_contain_text("100")
    page.reload()
    phone.goto(f"/modules/{MODULE}/{LESSON}")
    expect(page.locator(".offline-waiting")).to_be_hidden()
    assert len(wait_for_attempts(amina.id, 2, seconds=1)) == 1, "sent exactly once"


@pytest.mark.browser
def test_answers_are_kept_when_the_network_fails_although_the_phone_thinks_it_is_online(
        phone, app, amina):
    """Wi-Fi without internet: the form is sent, the service worker catches the failure."""
    phone = phone()
    page = phone.page
    lesson = app.extensions["catalogue"].lesson(MODULE, LESSON)
    sign_in(phone)
    phone.goto(f"/modules/{MODULE}/{LESSON}")
    wait_for_service_worker(page)
    phone.goto(f"/modules/{MODULE}/{LESSON}")  # now the service worker keeps it
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'onLine', {get: () => true})")
    page.evaluate("Object.defineProperty(Navigator.prototype, 'onLine', {get: () => true})")

    page.context.set_offline(True)
    answer_quiz(page, lesson)
    page.evaluate("window.beforeSending = true")
    page.locator("#quiz button[type=submit]").click()
    expect(page.locator(".offline-saved")).to_be_visible()
    assert page.evaluate("window.beforeSending") is None, "the form was sent, and answered"
    expect(page.locator(".offline-waiting")).to_have_text("Quiz answers waiting to be sent: 1")
    assert page.url.endswith(f"/modules/{MODULE}/{LESSON}")
    assert attempts(amina.id) == []

    page.context.set_offline(False)
    expect(page.locator(".offline-sent")).to_be_visible()
    expect(page.locator(".offline-waiting")).to_be_hidden()
    assert len(wait_for_attempts(amina.id, 1)) == 1


@pytest.mark.browser
def test_answers_kept_on_a_shared_phone_are_sent_only_for_their_own_participant(
        phone, app, factory, amina):
    yonas = factory.user("yonas", secret="739146", organisation=amina.organisation)
    lesson = app.extensions["catalogue"].lesson(MODULE, LESSON)
    attempt_id = str(uuid.uuid4())
    fields = [["attempt_id", attempt_id]] + [
        [f"q-{q.id}", option] for q in lesson.questions for option in sorted(q.correct)]
    phone = phone()
    page = phone.page
    sign_in(phone, "yonas", "739146")
    page.evaluate("""item => boligskolenQueue.put(item)""", {  # Amina's, kept before she left
        "attempt_id": attempt_id, "action": f"/modules/{MODULE}/{LESSON}/quiz",
        "fields": fields, "user": amina.id, "saved_at": 0})
    phone.goto(f"/modules/{MODULE}/{LESSON}")  # Yonas reads on, online
    expect(page.locator("article.lesson h1")).to_be_visible()
    assert page.evaluate("boligskolenQueue.send().then(result => result.sent.length)") == 0
    expect(page.locator(".offline-waiting")).to_be_hidden()
    assert attempts(yonas.id) == [] and attempts(amina.id) == []

    page.locator(".site-nav form button").click()
    sign_in(phone)  # back with Amina: her answers go now
    assert [a.attempt_id for a in wait_for_attempts(amina.id, 1)] == [attempt_id]
    assert attempts(yonas.id) == []


@pytest.mark.browser
def test_without_javascript_there_is_no_download_button_and_the_quiz_posts_as_usual(
        phone, app, amina):
    phone = phone(javascript=False)
    page = phone.page
    lesson = app.extensions["catalogue"].lesson(MODULE, LESSON)
    sign_in(phone)
    phone.goto(f"/modules/{MODULE}")
    expect(page.locator(".lesson-list a").first).to_be_visible()
    expect(page.get_by_role("button", name="Download this topic")).to_have_count(0)
    expect(page.locator(".offline-download")).to_be_hidden()
    phone.snap("topic-without-javascript")
    phone.goto(f"/modules/{MODULE}/{LESSON}")
    answer_quiz(page, lesson)
    page.locator("#quiz button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("100")
    assert len(attempts(amina.id)) == 1
