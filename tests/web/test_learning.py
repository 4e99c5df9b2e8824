"""Participants learn: modules, lessons, quizzes graded on the server, progress."""

import re

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, ModuleCompletion, QuizAttempt
from housingschool.learning.services import progress

LESSON = "/modules/tenancy-rights/deposit-and-rent"


def attempt_form(html: str) -> dict:
    """The hidden attempt id a lesson page's quiz form carries."""
    return {"attempt_id": re.search(r'name="attempt_id" value="([^"]+)"', html).group(1)}


def lesson_of(app, url=LESSON):
    module_slug, lesson_slug = url.split("/")[2:4]
    module = app.extensions["catalogue"].module(module_slug)
    return module, module.lesson(lesson_slug)


def answers_for(lesson, right=True, wrong_questions=0):
    """Form fields answering every question: right, except the first `wrong_questions`."""
    data = {}
    for index, question in enumerate(lesson.questions):
        if right and index >= wrong_questions:
            data[f"q-{question.id}"] = sorted(question.correct)
        else:
            data[f"q-{question.id}"] = [next(o for o in question.options
                                             if o not in question.correct)]
    return data


def submit(client, app, url=LESSON, **kwargs):
    _, lesson = lesson_of(app, url)
    page = client.get(url).get_data(as_text=True)
    return client.post_form(url + "/quiz", attempt_form(page) | answers_for(lesson, **kwargs),
                            page=url)


def test_home_shows_every_module_as_a_tile(client):
    page = client.get("/").get_data(as_text=True)
    for slug in ["tenancy-rights", "cleaning", "waste", "neighbours", "budgeting"]:
        assert f'href="/modules/{slug}"' in page
        assert f'src="/course-media/{slug}/icon.svg"' in page
    assert "Join a course" in page


def test_module_page_links_its_lessons(client):
    page = client.get("/modules/waste").get_data(as_text=True)
    assert 'href="/modules/waste/sorting-at-home"' in page
    assert client.get("/modules/nope").status_code == 404


def test_lesson_page_has_text_pictures_and_quiz_but_no_answer_key(client, app):
    _, lesson = lesson_of(app)
    page = client.get(LESSON).get_data(as_text=True)
    text = lesson.texts["en"]
    assert text.title in page and "<h2>" in page and "/course-media/tenancy-rights/" in page
    for question in lesson.questions:
        assert f'name="q-{question.id}"' in page
        for option in text.questions[question.id].options.values():
            assert option.explain not in page  # explanations only after submitting
    # Right and wrong options are rendered exactly alike: nothing in the page gives the key away.
    inputs = re.findall(r"<input[^>]*name=\"q-[^>]*>", page)
    assert len(inputs) == sum(len(q.options) for q in lesson.questions)
    for tag in inputs:
        plain = r'<input type="(radio|checkbox)" name="q-[a-z0-9-]+" value="[a-z0-9]+">'
        assert re.fullmatch(plain, tag), tag


def test_course_pictures_are_served_and_cached(client):
    with client.get("/course-media/waste/icon.svg") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert "max-age=604800" in response.headers["Cache-Control"]
    assert client.get("/course-media/waste/../module.toml").status_code == 404


def test_participant_passes_a_quiz_and_sees_each_explanation(as_participant, app):
    module, lesson = lesson_of(app)
    response = submit(as_participant, app, wrong_questions=1)
    assert response.status_code == 303
    result = as_participant.get(response.headers["Location"]).get_data(as_text=True)
    count = len(lesson.questions)
    assert f"Your result: {round(100 * (count - 1) / count)} %" in result
    assert "You have completed this lesson" in result
    text = lesson.texts["en"]
    first = lesson.questions[0]
    wrong_choice = next(o for o in first.options if o not in first.correct)
    assert text.questions[first.id].options[wrong_choice].explain in result
    right_choice = sorted(lesson.questions[1].correct)[0]
    assert text.questions[lesson.questions[1].id].options[right_choice].explain in result
    assert result.count("Not right yet") == 1


def test_failed_quiz_encourages_a_retry_and_best_attempt_counts(as_participant, app):
    module, _ = lesson_of(app)
    total = len(module.lessons)
    submit(as_participant, app, right=False)
    page = as_participant.get("/progress").get_data(as_text=True)
    assert f"0 of {total} lessons done" in page
    submit(as_participant, app)
    submit(as_participant, app, right=False)
    progress = as_participant.get("/progress").get_data(as_text=True)
    assert f"1 of {total} lessons done" in progress and "best score 100 %" in progress
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 3


def test_resubmitting_the_same_attempt_records_it_once(as_participant, app):
    _, lesson = lesson_of(app)
    page = as_participant.get(LESSON).get_data(as_text=True)
    data = attempt_form(page) | answers_for(lesson)
    first = as_participant.post_form(LESSON + "/quiz", data, page=LESSON)
    second = as_participant.post_form(LESSON + "/quiz", data, page=LESSON)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_unanswered_questions_are_named_and_answers_are_kept(as_participant, app):
    _, lesson = lesson_of(app)
    page = as_participant.get(LESSON).get_data(as_text=True)
    data = attempt_form(page) | answers_for(lesson)
    last = lesson.questions[-1]
    del data[f"q-{last.id}"]
    response = as_participant.post_form(LESSON + "/quiz", data, page=LESSON)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please answer every question" in html and f'href="#q-{last.id}"' in html
    first = lesson.questions[0]
    chosen = sorted(first.correct)[0]
    assert re.search(rf'name="q-{first.id}" value="{chosen}" checked', html)
    assert data["attempt_id"] in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0


def test_visitor_can_try_a_quiz_but_nothing_is_saved(client, app):
    response = submit(client, app)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your result: 100 %" in page and "this result is not saved" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0


def test_attempts_are_private_to_their_participant(as_participant, app, factory, client_for):
    response = submit(as_participant, app)
    location = response.headers["Location"]
    other = client_for(app)
    factory.user("yonas", secret="739146")
    other.login("yonas", "739146")
    assert other.get(location).status_code == 404


def test_opening_a_lesson_is_recorded_once(as_participant):
    as_participant.get(LESSON)
    as_participant.get(LESSON)
    rows = db.session.scalars(sa.select(LessonProgress)).all()
    assert len(rows) == 1 and rows[0].language == "en"
    module, _ = lesson_of(as_participant.http.application)
    module_page = as_participant.get("/modules/tenancy-rights").get_data(as_text=True)
    assert module_page.count(">Started<") == 1
    assert module_page.count(">Not started<") == len(module.lessons) - 1


def test_progress_shows_modules_lessons_scores_and_dates(as_participant, app):
    for slug in ("tenancy-rights", "cleaning"):
        module = app.extensions["catalogue"].module(slug)
        for lesson in module.lessons:
            submit(as_participant, app, url=f"/modules/{slug}/{lesson.slug}")
    page = as_participant.get("/progress").get_data(as_text=True)
    for module in app.extensions["catalogue"].modules:
        total = len(module.lessons)
        done = total if module.slug in ("tenancy-rights", "cleaning") else 0
        assert f"{done} of {total} lessons done" in page, module.slug
    assert "Completed" in page and "best score 100 %" in page
    module_page = as_participant.get("/modules/cleaning").get_data(as_text=True)
    assert "You have completed this topic" in module_page


def test_progress_page_needs_a_participant(client):
    response = client.get("/progress")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_home_shows_the_next_lesson_to_take(as_participant, app):
    catalogue = app.extensions["catalogue"]
    first, second = catalogue.modules[0].lessons[:2]
    page = as_participant.get("/").get_data(as_text=True)
    assert "Your next lesson" in page and first.texts["en"].title in page and " Start</a>" in page
    submit(as_participant, app, url=f"/modules/{first.module_slug}/{first.slug}")
    page = as_participant.get("/").get_data(as_text=True)
    assert second.texts["en"].title in page.split("Your next lesson")[1].split("Topics")[0]


def completions() -> list[tuple[int, str, object]]:
    db.session.expire_all()
    return db.session.execute(sa.select(ModuleCompletion.user_id, ModuleCompletion.module_slug,
                                        ModuleCompletion.completed_at)).all()


def test_passing_the_last_quiz_of_a_topic_notes_when_it_was_completed(as_participant, app):
    module = app.extensions["catalogue"].module("waste")
    first, *middle, last = module.lessons
    submit(as_participant, app, url=f"/modules/waste/{first.slug}")
    submit(as_participant, app, url=f"/modules/waste/{last.slug}", right=False)
    for lesson in middle:
        submit(as_participant, app, url=f"/modules/waste/{lesson.slug}")
    assert completions() == []  # the last lesson is not passed yet
    submit(as_participant, app, url=f"/modules/waste/{last.slug}")
    [(user_id, slug, when)] = completions()
    passed_last = db.session.scalar(sa.select(QuizAttempt.submitted_at).filter_by(
        lesson_slug=last.slug, passed=True))
    assert slug == "waste" and when == passed_last
    assert progress(user_id, app.extensions["catalogue"])["waste"].completed_at == when


def test_passing_a_topic_again_keeps_the_first_completion(as_participant, app):
    module = app.extensions["catalogue"].module("waste")
    for lesson in module.lessons:
        submit(as_participant, app, url=f"/modules/waste/{lesson.slug}")
    before = completions()
    for lesson in module.lessons:
        submit(as_participant, app, url=f"/modules/waste/{lesson.slug}")
    submit(as_participant, app, url=f"/modules/waste/{module.lessons[0].slug}", right=False)
    assert len(before) == 1 and completions() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 7
