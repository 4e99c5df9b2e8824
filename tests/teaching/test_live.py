"""Live class mode: a teacher presents a lesson and runs its quiz; participants follow on phones."""

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from markupsafe import escape

from housingschool.content.questions import QUESTION_TYPES
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.teaching import live_services as services
from housingschool.teaching.models import LiveAnswer, LiveClass

LESSON = "tenancy-rights/deposit-and-rent"


@pytest.fixture
def lesson(app):
    return app.extensions["catalogue"].lesson(*LESSON.split("/"))


@pytest.fixture
def people(factory):
    """A group with its teacher and two participants (Amina reads Arabic), and staff elsewhere."""
    org = factory.org()
    group = factory.group(org)
    other_group = factory.group(org, name="Boligskole høst", join_code="AUTUMN2026")
    other_org = factory.org(slug="oslo", name="Oslo kommune")
    return SimpleNamespace(
        group=group,
        teacher=factory.teacher_in(group, "tove"),
        amina=factory.user("amina", group=group, language="ar"),
        yonas=factory.user("yonas", secret="739146", group=group),
        other_teacher=factory.teacher_in(other_group, "knut"),
        coordinator=factory.user("cora", "coordinator", "coordinator-pass", organisation=org),
        other_coordinator=factory.user("olav", "coordinator", "coordinator-pass",
                                       organisation=other_org),
    )


SECRETS = {"amina": "482915", "yonas": "739146", "selam": "739146", "tove": "teacher-pass-1",
           "knut": "teacher-pass-1", "cora": "coordinator-pass", "olav": "coordinator-pass"}


@pytest.fixture
def sign_in(app, client_for):
    """A browser of its own for `username`, signed in (None: a visitor who is not)."""

    def open_browser(username=None, language="en"):
        browser = client_for(app)
        browser.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        if username:
            assert browser.login(username, SECRETS[username]).status_code == 302
        return browser

    return open_browser


def base(group):
    return f"/teach/groups/{group.id}/live"


def teacher_does(teacher, group, action, **data):
    """The teacher presses a button on the projector page."""
    return teacher.post_form(f"{base(group)}/{action}", data, page=base(group))


def start_lesson(teacher, group, lesson_key=LESSON):
    return teacher.post_form(f"{base(group)}/start", {"lesson": lesson_key}, page=base(group))


def answer(browser, live_id, question, options):
    """A participant answers on their phone."""
    return browser.post_form("/live/answer", {"live": live_id, "question": question.id,
                                              "option": list(options)}, page="/live")


def wrong_options(question):
    return [next(o for o in question.options if o not in question.correct)]


def live_row(group):
    db.session.expire_all()
    return db.session.scalar(sa.select(LiveClass).where(LiveClass.group_id == group.id))


def text_of(response):
    return response.get_data(as_text=True)


def esc(text):
    """Course text as it appears in a page (HTML-escaped)."""
    return str(escape(text))


# The teacher presents --------------------------------------------------------------------


def test_teacher_chooses_a_lesson_from_the_course(people, sign_in, app):
    teacher = sign_in("tove")
    page = text_of(teacher.get(base(people.group)))
    assert "Present a lesson to" in page
    for module in app.extensions["catalogue"].modules:
        for lesson in module.lessons:
            assert f'value="{lesson.key}"' in page
    assert start_lesson(teacher, people.group).status_code == 303
    row = live_row(people.group)
    assert (row.module_slug, row.lesson_slug, row.slide, row.phase) == (
        "tenancy-rights", "deposit-and-rent", 0, "slides")


def test_teacher_moves_through_the_slides_in_bokmal(people, sign_in, lesson):
    teacher = sign_in("tove")
    start_lesson(teacher, people.group)
    nb = lesson.texts["nb"]
    slides = services.slides(nb)
    page = text_of(teacher.get(base(people.group)))
    assert esc(nb.title) in page and esc(nb.key_points[0]) in page
    assert f"Slide 1 of {len(slides)}" in page

    response = teacher_does(teacher, people.group, "slide", slide=1)
    assert response.status_code == 303 and response.location.endswith(base(people.group))
    page = text_of(teacher.get(base(people.group)))
    assert slides[1].html in page and "<h2>Depositum</h2>" in page

    teacher_does(teacher, people.group, "slide", slide=0)  # Previous
    assert live_row(people.group).slide == 0
    teacher_does(teacher, people.group, "slide", slide=99)  # kept within the lesson
    assert live_row(people.group).slide == len(slides) - 1
    page = text_of(teacher.get(base(people.group)))
    assert "Norwegian words" in page and 'lang="nb" dir="ltr">depositumskonto' in page
    assert teacher_does(teacher, people.group, "slide", slide="next").status_code == 400


def test_projector_shows_another_language_when_asked(people, sign_in, lesson):
    teacher = sign_in("tove")
    start_lesson(teacher, people.group)
    teacher_does(teacher, people.group, "slide", slide=1)
    page = text_of(teacher.get(base(people.group) + "?lang=ar"))
    assert services.slides(lesson.texts["ar"])[1].html in page
    assert f'action="{base(people.group)}/slide?lang=ar"' in page
    response = teacher.post_form(f"{base(people.group)}/slide?lang=ar", {"slide": 2},
                                 page=base(people.group))
    assert response.location.endswith(f"{base(people.group)}?lang=ar")


def test_starting_another_lesson_replaces_the_one_on_screen(people, sign_in):
    teacher = sign_in("tove")
    start_lesson(teacher, people.group)
    teacher_does(teacher, people.group, "slide", slide=2)
    start_lesson(teacher, people.group, "waste/sorting-at-home")
    row = live_row(people.group)
    assert (row.lesson_slug, row.slide) == ("sorting-at-home", 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveClass)) == 1
    assert start_lesson(teacher, people.group, "waste/nope").status_code == 400


def test_stop_presenting_takes_the_lesson_off_every_screen(people, sign_in):
    teacher, phone = sign_in("tove"), sign_in("yonas")
    start_lesson(teacher, people.group)
    teacher_does(teacher, people.group, "stop")
    assert live_row(people.group) is None
    assert "Present a lesson to" in text_of(teacher.get(base(people.group)))
    assert "Nothing is being presented right now" in text_of(phone.get("/live"))


# Participants follow -----------------------------------------------------------------------


def test_participant_follows_the_slide_in_their_own_language(people, sign_in, lesson):
    teacher, phone = sign_in("tove"), sign_in("amina", language="ar")
    start_lesson(teacher, people.group)
    teacher_does(teacher, people.group, "slide", slide=1)
    page = text_of(phone.get("/live"))
    arabic = lesson.texts["ar"]
    assert '<html lang="ar" dir="rtl">' in page
    assert services.slides(arabic)[1].html in page
    assert 'class="slide slide-section" lang="ar" dir="rtl"' in page
    assert services.slides(lesson.texts["nb"])[1].html not in page
    for term, meaning in arabic.glossary:  # the Norwegian words, explained in Arabic
        assert f'<dt lang="nb" dir="ltr">{esc(term)}</dt>' in page and esc(meaning) in page
    assert 'href="/live"' in page  # "Refresh", for phones without JavaScript


def test_participant_sees_a_kind_message_when_nothing_is_live(people, sign_in):
    phone = sign_in("yonas")
    page = text_of(phone.get("/live"))
    assert "Nothing is being presented right now" in page and 'href="/"' in page
    assert phone.get("/live/state.json").get_json() == {"live": False, "version": "none"}


def test_phone_state_changes_when_the_teacher_moves_on(people, sign_in):
    teacher, phone = sign_in("tove"), sign_in("yonas")
    start_lesson(teacher, people.group)
    first = phone.get("/live/state.json").get_json()
    assert first["live"] is True and f'data-live-version="{first["version"]}"' in text_of(
        phone.get("/live"))
    teacher_does(teacher, people.group, "slide", slide=1)
    second = phone.get("/live/state.json").get_json()["version"]
    assert second != first["version"]
    assert phone.get("/live/state.json").headers["Cache-Control"] == "no-store"


# The live quiz -----------------------------------------------------------------------------


@pytest.fixture
def quiz(people, sign_in, lesson):
    """The teacher has started the lesson's quiz; both participants have their phones."""
    teacher = sign_in("tove")
    start_lesson(teacher, people.group)
    teacher_does(teacher, people.group, "quiz")
    return SimpleNamespace(teacher=teacher, amina=sign_in("amina", language="ar"),
                           yonas=sign_in("yonas"), live_id=live_row(people.group).id)


def test_two_participants_answer_and_the_teacher_reveals_the_shares(people, quiz, lesson):
    question = lesson.questions[0]
    state = quiz.teacher.get(f"{base(people.group)}/state.json").get_json()
    assert (state["phase"], state["answered"], state["participants"]) == ("quiz", 0, 2)
    phone_page = text_of(quiz.yonas.get("/live"))
    assert esc(lesson.texts["en"].questions[question.id].prompt) in phone_page
    kind = QUESTION_TYPES[question.type].input_type
    assert f'type="{kind}" name="option" value="{question.options[0]}"' in phone_page

    right, wrong = sorted(question.correct), wrong_options(question)
    assert answer(quiz.amina, quiz.live_id, question, right).status_code == 303
    answer(quiz.yonas, quiz.live_id, question, wrong)
    state = quiz.teacher.get(f"{base(people.group)}/state.json").get_json()
    assert state["answered"] == 2 and "counts" not in state
    assert 'data-live-field="answered">2<' in text_of(quiz.teacher.get(base(people.group)))

    teacher_does(quiz.teacher, people.group, "reveal")
    state = quiz.teacher.get(f"{base(people.group)}/state.json").get_json()
    assert state["phase"] == "revealed"
    assert state["counts"] == {o: int(o in right + wrong) for o in question.options}
    projector = text_of(quiz.teacher.get(base(people.group)))
    assert "50 % (1 of 2)" in projector and "0 % (0 of 2)" in projector
    assert "Right answer" in projector
    for option in question.options:  # every option's explanation, in bokmål
        assert esc(lesson.texts["nb"].questions[question.id].options[option].explain) in projector

    amina = text_of(quiz.amina.get("/live"))
    chosen = lesson.texts["ar"].questions[question.id].options[right[0]]
    assert esc(chosen.explain) in amina and 'class="answer answer-right"' in amina
    yonas = text_of(quiz.yonas.get("/live"))
    assert "Not right yet" in yonas and "The right answer:" in yonas
    assert esc(lesson.texts["en"].questions[question.id].options[wrong[0]].explain) in yonas


def test_participant_can_change_the_answer_until_the_reveal(people, quiz, lesson):
    question = lesson.questions[0]
    answer(quiz.yonas, quiz.live_id, question, wrong_options(question))
    assert "Your answer is saved" in text_of(quiz.yonas.get("/live"))
    answer(quiz.yonas, quiz.live_id, question, sorted(question.correct))
    rows = db.session.scalars(sa.select(LiveAnswer)).all()
    assert len(rows) == 1 and rows[0].options == sorted(question.correct)
    teacher_does(quiz.teacher, people.group, "reveal")
    answer(quiz.yonas, quiz.live_id, question, wrong_options(question))
    db.session.expire_all()
    assert db.session.scalars(sa.select(LiveAnswer.options)).all() == [sorted(question.correct)]
    assert "This question is closed now" in text_of(quiz.yonas.get("/live"))


def test_participant_cannot_answer_when_no_quiz_is_open(people, sign_in, lesson):
    teacher, phone = sign_in("tove"), sign_in("yonas")
    question = lesson.questions[0]
    answer(phone, 0, question, sorted(question.correct))  # nothing live at all
    start_lesson(teacher, people.group)
    response = answer(phone, live_row(people.group).id, question, sorted(question.correct))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0
    assert "This question is closed now" in text_of(phone.get("/live"))


def test_only_the_open_question_and_its_options_are_taken(people, quiz, lesson):
    first, second = lesson.questions[:2]
    answer(quiz.yonas, quiz.live_id, second, sorted(second.correct))
    answer(quiz.yonas, quiz.live_id, first, ["no-such-option"])
    assert "Choose an answer first" in text_of(quiz.yonas.get("/live"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0


def run_quiz(people, quiz, lesson, amina_right=True):
    """Both participants answer every question; Amina right (or not), Yonas wrong twice."""
    for index, question in enumerate(lesson.questions):
        right = sorted(question.correct)
        answer(quiz.amina, quiz.live_id, question, right if amina_right else
               wrong_options(question))
        answer(quiz.yonas, quiz.live_id, question, wrong_options(question) if index < 2
               else right)
        teacher_does(quiz.teacher, people.group, "reveal")
        teacher_does(quiz.teacher, people.group, "next-question")


def attempts():
    db.session.expire_all()
    query = sa.select(QuizAttempt).order_by(QuizAttempt.user_id, QuizAttempt.id)
    return db.session.scalars(query).all()


def test_live_answers_count_as_the_participants_quiz_attempts(people, quiz, lesson, app):
    run_quiz(people, quiz, lesson)
    saved = attempts()
    assert [(a.user_id, a.passed) for a in saved] == [(people.amina.id, True),
                                                     (people.yonas.id, False)]
    assert saved[0].score == 100 and (saved[0].module_slug, saved[0].lesson_slug) == (
        "tenancy-rights", "deposit-and-rent")
    assert live_row(people.group).phase == "slides"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0
    progress = text_of(quiz.amina.get("/progress?lang=en"))
    total = len(app.extensions["catalogue"].module("tenancy-rights").lessons)
    assert f"1 of {total} lessons done" in progress
    assert "The answers of 2 participants are saved" in text_of(
        quiz.teacher.get(base(people.group)))


def yonas_answers_every_question(people, quiz, lesson):
    """Yonas answers each question, and the teacher reveals it; the last one stays on screen."""
    for question in lesson.questions:
        answer(quiz.yonas, quiz.live_id, question, sorted(question.correct))
        teacher_does(quiz.teacher, people.group, "reveal")
        if question != lesson.questions[-1]:
            teacher_does(quiz.teacher, people.group, "next-question")


def test_ending_the_same_quiz_again_saves_nothing_twice(people, quiz, lesson, app):
    yonas_answers_every_question(people, quiz, lesson)
    live = services.group_live(people.group, app.extensions["catalogue"])
    first = [a.attempt_id for a in services.save_attempts(live)]
    again = [a.attempt_id for a in services.save_attempts(live)]
    db.session.commit()
    assert first == again and len(attempts()) == 1
    teacher_does(quiz.teacher, people.group, "end-quiz")
    teacher_does(quiz.teacher, people.group, "end-quiz")  # pressed twice, or sent again
    assert [a.attempt_id for a in attempts()] == first


def test_a_second_run_of_the_quiz_is_saved_as_a_new_attempt(people, quiz, lesson):
    run_quiz(people, quiz, lesson, amina_right=False)
    teacher_does(quiz.teacher, people.group, "quiz")
    run_quiz(people, quiz, lesson)
    amina = [a for a in attempts() if a.user_id == people.amina.id]
    assert [a.passed for a in amina] == [False, True]
    assert len({a.attempt_id for a in attempts()}) == 4


def test_ending_early_saves_only_those_who_answered_every_question(people, quiz, lesson):
    question = lesson.questions[0]
    answer(quiz.yonas, quiz.live_id, question, sorted(question.correct))
    teacher_does(quiz.teacher, people.group, "end-quiz")
    assert attempts() == []
    assert "No one answered every question" in text_of(quiz.teacher.get(base(people.group)))


def test_stopping_during_the_quiz_saves_the_answers_first(people, quiz, lesson):
    yonas_answers_every_question(people, quiz, lesson)
    teacher_does(quiz.teacher, people.group, "stop")
    assert [a.user_id for a in attempts()] == [people.yonas.id]
    assert live_row(people.group) is None


def test_teacher_buttons_do_nothing_twice(people, quiz, lesson):
    question = lesson.questions[0]
    teacher_does(quiz.teacher, people.group, "next-question")  # not revealed yet: no skipping
    assert live_row(people.group).question_index == 0
    answer(quiz.yonas, quiz.live_id, question, sorted(question.correct))
    teacher_does(quiz.teacher, people.group, "quiz")  # started again by accident
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 1
    teacher_does(quiz.teacher, people.group, "reveal")
    teacher_does(quiz.teacher, people.group, "next-question")
    teacher_does(quiz.teacher, people.group, "next-question")
    row = live_row(people.group)
    assert (row.phase, row.question_index) == ("quiz", 1)


# Who may see what --------------------------------------------------------------------------

TEACHER_ROUTES = [("get", ""), ("get", "/state.json"), ("post", "/start"), ("post", "/slide")]
FOLLOW_ROUTES = [("get", "/live"), ("get", "/live/state.json"), ("post", "/live/answer")]
OK = "ok"
LOGIN = "login"
TEACHER_EXPECTED = {None: LOGIN, "amina": 403, "knut": 404, "olav": 404, "cora": OK, "tove": OK}
FOLLOW_EXPECTED = {None: LOGIN, "amina": OK, "tove": 403, "knut": 403, "cora": 403,
                   "olav": 403}
FORM = {"/start": {"lesson": LESSON}, "/slide": {"slide": "1"}, "/live/answer": {}}


def request(browser, method, url, form, token_page):
    if method == "get":
        return browser.get(url)
    return browser.post_form(url, form, page=token_page)


def check(response, expected, method, url):
    """The response a role should get: a page, a redirect to sign in (401 for JSON), or an
    error (in JSON for JSON endpoints)."""
    json = url.endswith(".json")
    if expected == OK:
        assert response.status_code == (200 if method == "get" else 303), url
    elif expected == LOGIN and not json:
        assert response.status_code == 302 and "/login" in response.location, url
    else:
        assert response.status_code == (401 if expected == LOGIN else expected), url
        if json:
            assert "error" in response.get_json(), url


@pytest.mark.parametrize("username", list(TEACHER_EXPECTED), ids=str)
def test_who_may_use_the_projector(people, sign_in, username, app):
    services.start(people.group, app.extensions["catalogue"].lesson(*LESSON.split("/")),
                   people.teacher, app.extensions["catalogue"])
    db.session.commit()
    browser = sign_in(username)
    token_page = "/" if username else "/login"
    for method, suffix in TEACHER_ROUTES:
        url = base(people.group) + suffix
        response = request(browser, method, url, FORM.get(suffix, {}), token_page)
        check(response, TEACHER_EXPECTED[username], method, url)


@pytest.mark.parametrize("username", list(FOLLOW_EXPECTED), ids=str)
def test_who_may_follow_on_a_phone(people, sign_in, username):
    browser = sign_in(username)
    token_page = "/" if username else "/login"
    for method, url in FOLLOW_ROUTES:
        response = request(browser, method, url, FORM[url] if method == "post" else {},
                           token_page)
        check(response, FOLLOW_EXPECTED[username], method, url)


def test_participants_see_only_their_own_groups_live_class(people, factory, sign_in, app):
    stranger_group = factory.group(people.group.organisation, name="Annen gruppe",
                                   join_code="ELSE2026")
    factory.user("selam", secret="739146", group=stranger_group)
    teacher = sign_in("tove")
    start_lesson(teacher, people.group)
    assert "Nothing is being presented" in text_of(sign_in("selam").get("/live"))
    assert re.search(r'data-live-version="\d+-tenancy-rights', text_of(
        sign_in("yonas").get("/live")))
