"""Every module in every language: a lesson opens fully translated, with a quiz and pictures
that all have alt text, on a phone."""

import pytest
from playwright.sync_api import expect

from housingschool.i18n import LANGUAGES


@pytest.mark.browser
@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_a_lesson_of_every_module_is_complete_in_this_language(phone, app, code):
    phone = phone()
    page = phone.page
    for module in app.extensions["catalogue"].modules:
        lesson = module.lessons[-1]  # the last lesson: the one most likely to be forgotten
        phone.goto(f"/modules/{module.slug}/{lesson.slug}?lang={code}")
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator(".fallback-notice")).to_have_count(0)
        expect(page.locator("article.lesson")).to_have_attribute("lang", code)
        questions = page.locator("#quiz fieldset.question")
        expect(questions).to_have_count(len(lesson.questions))
        assert len(lesson.questions) >= 4
        for index in range(questions.count()):
            question = questions.nth(index)
            assert question.locator(".question-prompt").inner_text().strip()
            options = question.locator("label.option")
            assert options.count() >= 2
            for option in options.all_inner_texts():
                assert option.strip(), f"{module.slug}: an option without text"
        pictures = page.locator("main img")
        assert pictures.count() >= 1, f"{module.slug}/{lesson.slug}: no picture"
        for alt in pictures.evaluate_all("images => images.map(i => i.getAttribute('alt'))"):
            assert alt and alt.strip(), f"{module.slug}/{lesson.slug}: a picture without alt text"
        glossary = page.locator(".glossary dt")
        assert glossary.count() >= 1
        phone.snap(module.slug)
