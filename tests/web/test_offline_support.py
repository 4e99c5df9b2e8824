"""What the phone needs to read offline: the service worker, the manifest, the offline page,
and a fresh token to send quiz answers that waited on the phone."""

import json
import re
import struct
import uuid
from pathlib import Path

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt

STATIC = Path(__file__).parents[2] / "housingschool" / "static"
LESSON = "/modules/tenancy-rights/deposit-and-rent"


def shell_of(script: str) -> list[str]:
    return json.loads(re.search(r"^var SHELL = (.*);$", script, re.M).group(1))


def fetch(client, url):
    """Status and body of `url`; the file behind a static response is closed again."""
    response = client.get(url)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_service_worker_serves_the_whole_site_and_is_checked_for_updates(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response.headers  # /sw.js covers / by itself
    script = response.get_data(as_text=True)
    shell = shell_of(script)
    assert "/offline" in shell and "/offline/texts.json" in shell
    assert any(re.fullmatch(r"/static/css/site\.css\?v=\w+", url) for url in shell)
    assert "importScripts(QUEUE_SCRIPT)" in script
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_file_the_service_worker_keeps_at_install_exists(client):
    for url in shell_of(client.get("/sw.js").get_data(as_text=True)):
        assert fetch(client, url)[0] == 200, url


def test_manifest_puts_boligskolen_on_the_home_screen_with_its_own_icon(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Boligskolen"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/",
                                                                                "standalone")
    brand = re.search(r"--brand: (#\w+);", (STATIC / "css" / "site.css").read_text()).group(1)
    assert manifest["theme_color"] == brand
    pngs = [i for i in manifest["icons"] if i["type"] == "image/png"]
    for icon in pngs:
        width, height = png_size(fetch(client, icon["src"])[1])
        assert f"{width}x{height}" == icon["sizes"], icon["src"]
    assert {i["sizes"] for i in pngs if i["purpose"] == "any"} == {"192x192", "512x512"}
    assert [i["sizes"] for i in pngs if i["purpose"] == "maskable"] == ["512x512"]


def test_manifest_speaks_the_readers_language_and_direction(client):
    english = client.get("/manifest.webmanifest").get_json(force=True)
    arabic = client.get("/manifest.webmanifest",
                        headers={"Accept-Language": "ar"}).get_json(force=True)
    assert (english["lang"], english["dir"]) == ("en", "ltr")
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")
    assert arabic["description"] != english["description"]


def test_every_page_links_the_manifest_and_loads_the_offline_script_deferred(client, factory):
    page = client.get("/").get_data(as_text=True)
    assert ('<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">'
            in page)
    assert '<meta name="theme-color" content="#1d5e8c">' in page
    script = re.search(r'<script src="/static/js/offline\.js\?v=\w+" defer([^>]*)></script>', page)
    assert script and "data-participant" not in script.group(1)
    factory.user("amina", group=factory.group())
    client.login("amina", "482915")
    page = client.get("/").get_data(as_text=True)
    amina = re.search(r'offline\.js\?v=\w+" defer data-participant="(\d+)"', page)
    assert amina, "the script knows whose answers a kept quiz holds"


def test_offline_page_is_in_the_readers_language_and_direction(client):
    page = client.get("/offline", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "data-offline-list hidden" in page  # filled by JavaScript from the phone's copies
    english = client.get("/offline").get_data(as_text=True)
    assert "<h1>You are offline</h1>" in english


def test_offline_texts_are_in_the_readers_language(client):
    texts = client.get("/offline/texts.json").get_json()
    assert texts["lang"] == "en"
    assert texts["waiting"] == "Quiz answers waiting to be sent: {count}"
    assert {"saved", "sent", "signIn", "notSaved", "answerAll", "result"} <= texts.keys()
    norsk = client.get("/offline/texts.json", headers={"Accept-Language": "nb"}).get_json()
    assert norsk["lang"] == "nb"


def test_topic_page_offers_the_download_only_to_javascript(client):
    page = client.get("/modules/tenancy-rights").get_data(as_text=True)
    box = re.search(r'<section class="offline-download" data-offline-download hidden[^>]*>', page)
    assert box, "without JavaScript the download button stays hidden"
    assert 'data-progress="Downloading lesson {done} of {total} …"' in box.group(0)


def test_the_token_for_sending_kept_answers_is_only_for_participants(client, factory):
    anonymous = client.get("/offline/token")
    assert anonymous.status_code == 403
    group = factory.group()
    factory.teacher_in(group)
    client.login("tove", "teacher-pass-1")
    assert client.get("/offline/token").status_code == 403


def test_kept_answers_are_sent_with_a_fresh_token_and_saved_once(client, factory, app):
    """The token in a page kept on the phone belongs to the browser session it was made in;
    when that session has ended (the phone closed the browser), the fresh token from
    /offline/token works, and sending the same attempt twice stores it once."""
    amina = factory.user("amina", group=factory.group())
    client.login("amina", "482915")
    kept_page = client.get(LESSON).get_data(as_text=True)
    old_token = re.search(r'name="csrf_token" value="([^"]+)"', kept_page).group(1)
    client.http.delete_cookie("session")
    client.login("amina", "482915")

    lesson = app.extensions["catalogue"].lesson("tenancy-rights", "deposit-and-rent")
    answers = {f"q-{q.id}": sorted(q.correct) for q in lesson.questions}
    attempt_id = str(uuid.uuid4())
    stale = client.post(LESSON + "/quiz", data={"csrf_token": old_token,
                                                "attempt_id": attempt_id, **answers})
    assert stale.status_code == 400

    fresh = client.get("/offline/token")
    assert fresh.headers["Cache-Control"] == "no-store"
    assert fresh.get_json()["user"] == amina.id
    form = {"csrf_token": fresh.get_json()["csrf_token"], "attempt_id": attempt_id, **answers}
    assert client.post(LESSON + "/quiz", data=form).status_code == 303
    assert client.post(LESSON + "/quiz", data=form).status_code == 303  # sent again: no harm
    count = db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)
                              .filter_by(user_id=amina.id, attempt_id=attempt_id))
    assert count == 1


def test_downloading_a_topic_for_offline_does_not_count_as_opening_its_lessons(
        as_participant, app):
    from housingschool.learning.models import LessonProgress

    module = app.extensions["catalogue"].modules[0]
    lesson = module.lessons[0]
    url = f"/modules/{module.slug}/{lesson.slug}"
    assert as_participant.get(url, headers={"Purpose": "prefetch"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 0
    assert as_participant.get(url).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 1
