"""Read-aloud on a phone: Listen reads the lesson in its language, the Norwegian words can be
heard on their own, a recorded reading wins over the phone's voice, and without a voice or
without JavaScript there is no button.

The phone's speech engine is replaced by a fake (an init script) that offers the voices a test
chooses, a little after the page loads as real phones do, and records what it is asked to say.
"""

import json
import re
import shutil
import threading
from html import unescape
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from housingschool.content.loader import read_catalogue

LESSON = "/modules/tenancy-rights/deposit-and-rent"
FIXTURE_COURSE = Path(__file__).parents[1] / "fixtures" / "course"
FAKE_SPEECH = """(() => {
  const voices = %s, spoken = window.__spoken = [];
  let ready = false, current = null;
  const speech = new EventTarget();
  Object.assign(speech, {
    speaking: false, pending: false, paused: false,
    getVoices: () => ready ? voices.map((lang) => ({lang, name: lang, voiceURI: lang,
                                                    localService: true, default: false})) : [],
    speak(u) { spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang});
               current = u; },
    cancel() { const u = current; current = null; if (u && u.onerror) u.onerror({}); },
    pause() {}, resume() {},
  });
  window.__finish = () => { const u = current; current = null; if (u) u.onend({}); return !!u; };
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
  Object.defineProperty(window, "speechSynthesis", {value: speech, configurable: true});
  setTimeout(() => { ready = true; speech.dispatchEvent(new Event("voiceschanged")); }, 150);
})();"""


def with_voices(phone, *voices):
    phone.page.add_init_script(FAKE_SPEECH % json.dumps(voices))
    return phone


def spoken(page):
    return page.evaluate("window.__spoken")


def plain(html: str) -> list[str]:
    """The texts of a lesson body's paragraphs and list items, as a listener hears them."""
    blocks = re.findall(r"<(p|li|h2|h3)>(.*?)</\1>", html, re.DOTALL)
    texts = (" ".join(unescape(re.sub(r"<[^>]+>", "", body)).split()) for _tag, body in blocks)
    return [text for text in texts if text]


@pytest.mark.browser
@pytest.mark.parametrize(("code", "voice", "tag"),
                         [("nb", "nb-NO", "nb-NO"), ("ar", "ar-SA", "ar")])
def test_listen_reads_the_whole_lesson_in_its_language(phone, app, code, voice, tag):
    text = app.extensions["catalogue"].lesson("tenancy-rights", "deposit-and-rent").texts[code]
    phone = with_voices(phone(), "en-US", voice)
    page = phone.page
    phone.goto(f"{LESSON}?lang={code}")
    listen = page.locator("[data-listen-play]")
    expect(listen).to_be_visible()
    expect(page.locator("[data-listen-stop]")).to_be_hidden()
    phone.snap("listen-button")

    listen.click()
    assert spoken(page) == [{"text": text.title, "lang": tag, "voice": voice}]
    expect(page.locator("article h1")).to_have_class(re.compile("listen-now"))
    expect(page.locator("[data-listen]")).to_have_attribute("data-state", "playing")
    while page.evaluate("window.__finish()"):
        pass
    said = [entry["text"] for entry in spoken(page)]
    assert said[:5] == [text.title, text.summary, *text.key_points]
    assert said[5:] == plain(text.html), "the body, paragraph by paragraph, and nothing else"
    assert {entry["lang"] for entry in spoken(page)} == {tag}
    expect(page.locator("[data-listen]")).to_have_attribute("data-state", "idle")


@pytest.mark.browser
def test_pause_continues_where_it_stopped_and_stop_starts_over(phone, app):
    text = app.extensions["catalogue"].lesson("tenancy-rights", "deposit-and-rent").texts["en"]
    phone = with_voices(phone(), "en-GB")
    page = phone.page
    phone.goto(f"{LESSON}?lang=en")
    listen, stop = page.locator("[data-listen-play]"), page.locator("[data-listen-stop]")
    listen.click()
    page.evaluate("window.__finish()")  # the title is read; now the summary
    expect(listen).to_have_text("Pause")
    expect(stop).to_be_visible()
    phone.snap("reading")
    listen.click()
    expect(listen).to_have_text("Continue")
    assert not page.evaluate("window.__finish()"), "paused: nothing is being said"
    listen.click()
    assert [e["text"] for e in spoken(page)] == [text.title, text.summary, text.summary]
    stop.click()
    expect(listen).to_have_text("Listen")
    expect(stop).to_be_hidden()
    listen.click()
    assert spoken(page)[-1]["text"] == text.title


@pytest.mark.browser
def test_glossary_words_are_said_in_norwegian_when_the_lesson_language_has_no_voice(phone, app):
    text = app.extensions["catalogue"].lesson("tenancy-rights", "deposit-and-rent").texts["uk"]
    phone = with_voices(phone(), "nb-NO", "en-US")
    page = phone.page
    phone.goto(f"{LESSON}?lang=uk")
    words = page.locator("[data-say]")
    expect(words.first).to_be_visible()
    expect(words).to_have_count(len(text.glossary))
    expect(page.locator("[data-listen]")).to_be_hidden()  # no Ukrainian voice on this phone
    phone.snap("word-buttons")
    words.nth(1).click()
    assert spoken(page) == [{"text": text.glossary[1][0], "lang": "nb-NO", "voice": "nb-NO"}]


@pytest.mark.browser
def test_without_a_norwegian_voice_there_are_no_word_buttons(phone):
    phone = with_voices(phone(), "en-US")
    page = phone.page
    phone.goto(f"{LESSON}?lang=en")
    expect(page.locator("[data-listen-play]")).to_be_visible()
    expect(page.locator("[data-say]:visible")).to_have_count(0)
    page.goto(phone.base_url + f"{LESSON}?lang=nb")
    page.wait_for_timeout(400)  # the voices arrive after 150 ms
    expect(page.locator("[data-listen]")).to_be_hidden()


@pytest.mark.browser
def test_without_javascript_there_are_no_listen_buttons_and_the_lesson_still_works(phone, app):
    phone = phone(javascript=False)
    page = phone.page
    phone.goto(f"{LESSON}?lang=en")
    expect(page.locator("article h1")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Listen|Hear"))).to_have_count(0)
    expect(page.locator("[data-listen], [data-say]").first).to_be_hidden()
    phone.snap("no-javascript")
    lesson = app.extensions["catalogue"].lesson("tenancy-rights", "deposit-and-rent")
    for question in lesson.questions:
        for option in question.correct:
            page.locator(f'input[name="q-{question.id}"][value="{option}"]').check()
    page.locator("#quiz button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("100")


@pytest.fixture
def fixture_server(fixture_site):
    """The fixture course (which has one recorded reading: keys in English), served."""
    server = make_server("127.0.0.1", 0, fixture_site, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.browser
def test_a_recorded_reading_plays_instead_of_the_phones_voice(phone, app, fixture_server):
    phone = with_voices(phone(), "en-US", "nb-NO")
    page = phone.page
    page.goto(fixture_server + "/modules/home/keys?lang=en")
    listen = page.locator("[data-listen-play]")
    listen.click()
    audio = page.locator("[data-listen-audio]")
    expect(listen).to_have_text("Pause")
    assert audio.evaluate("a => a.currentSrc").endswith("/course-media/home/audio/keys.en.mp3")
    page.wait_for_function("() => document.querySelector('[data-listen-audio]').currentTime > 0")
    assert spoken(page) == [], "the phone's voice stays quiet"
    listen.click()
    expect(listen).to_have_text("Continue")
    assert audio.evaluate("a => a.paused")
    page.locator("[data-listen-stop]").click()
    expect(listen).to_have_text("Listen")
    assert audio.evaluate("a => a.currentTime") == 0


@pytest.mark.browser
def test_a_recording_needs_no_voice_and_other_languages_fall_back_to_the_voice(
        phone, app, fixture_server):
    phone = with_voices(phone())  # no voices at all
    page = phone.page
    page.goto(fixture_server + "/modules/home/keys?lang=en")
    page.wait_for_timeout(400)
    expect(page.locator("[data-listen-play]")).to_be_visible()
    page.goto(fixture_server + "/modules/home/keys?lang=nb")  # no recording in bokmål
    page.wait_for_timeout(400)
    expect(page.locator("[data-listen]")).to_be_hidden()
    expect(page.locator("[data-listen-audio]")).to_have_count(0)


def test_recordings_are_served_from_the_audio_folder_and_cached(fixture_site):
    client = fixture_site.test_client()
    with client.get("/course-media/home/audio/keys.en.mp3") as response:
        assert response.status_code == 200
        assert response.mimetype == "audio/mpeg"
        assert response.cache_control.max_age == 7 * 24 * 3600
    with client.get("/course-media/home/audio/../module.toml") as response:
        assert response.status_code == 404
    with client.get("/course-media/home/key.svg") as response:
        assert response.status_code == 200  # pictures as before
    lesson = fixture_site.extensions["catalogue"].lesson("home", "keys")
    assert lesson.texts["en"].audio == ("audio/keys.en.mp3",)
    assert lesson.texts["nb"].audio == ()


def test_a_misnamed_recording_is_a_content_problem(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    (course / "home" / "audio" / "keys.fr.mp3").write_bytes(b"")  # no French lesson
    (course / "home" / "audio" / "keys-en.mp3").write_bytes(b"")
    catalogue, problems = read_catalogue(course)
    assert catalogue is None
    assert sorted(p.path.name for p in problems) == ["keys-en.mp3", "keys.fr.mp3"]
    assert "<lesson>.<language>.ogg or .mp3" in problems[0].message
