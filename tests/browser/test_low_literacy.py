"""Low literacy on a phone: a picture password without JavaScript, larger text that still fits
360 px, thumb-sized quiz options, and a lesson side by side with Norwegian in Arabic."""

import pytest
from playwright.sync_api import expect

from housingschool.accounts.services import set_pictures
from housingschool.extensions import db

LESSON = "/modules/tenancy-rights/the-lease"


def sign_in(phone, username="amina", secret="482915"):
    phone.goto("/login")
    phone.page.fill("input[name=username]", username)
    phone.page.fill("input[name=secret]", secret)
    phone.page.locator("main button[type=submit]").click()
    expect(phone.page.locator("h1")).to_contain_text("Amina")


@pytest.mark.browser
def test_participant_signs_in_with_three_pictures_without_javascript(phone, factory):
    user = factory.user("amina", group=factory.group())
    set_pictures(user, ("cat", "boat", "sun"))
    db.session.commit()
    phone = phone(javascript=False)
    page = phone.page
    phone.goto("/login")
    page.locator("main a[href^='/login/pictures']").click()
    page.fill("input[name=username]", "amina")
    for row, picture in zip(("first", "second", "third"), ("cat", "boat", "sun"), strict=True):
        page.locator(f".picture-option:has(input[name={row}][value={picture}])").click()
    sizes = page.eval_on_selector_all(".picture-option", "els => els.map(e => { "
                                      "const r = e.getBoundingClientRect(); "
                                      "return Math.min(r.width, r.height); })")
    assert len(sizes) == 36 and min(sizes) >= 48, "every picture is a thumb-sized target"
    phone.snap("pictures-chosen")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Hello, Amina")
    phone.snap("signed-in")


@pytest.mark.browser
def test_larger_text_fits_the_phone_on_every_participant_page(phone, factory):
    factory.user("amina", group=factory.group())
    phone = phone(javascript=False)
    page = phone.page
    sign_in(phone)
    normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.locator(".site-nav a[href^='/language']").click()
    page.locator(".text-size-toggle").click()
    expect(page.locator("html")).to_have_class("large-text")
    large = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large == pytest.approx(normal * 1.25)
    for name, path in [("home", "/"), ("module", "/modules/tenancy-rights"), ("lesson", LESSON),
                       ("progress", "/progress"), ("sessions", "/sessions"),
                       ("side-by-side", f"{LESSON}/side-by-side?lang=uk"),
                       ("language", "/language")]:
        phone.goto(path)
        expect(page.locator("html")).to_have_class("large-text")
        phone.snap(f"large-{name}")  # no horizontal scroll, 44 px targets, axe
    options = page.context.new_page()
    options.goto(phone.base_url + LESSON)
    heights = options.eval_on_selector_all(".option", "els => els.map(e => e.offsetHeight)")
    assert heights and min(heights) >= 48, "quiz options are rows a thumb can hit"


@pytest.mark.browser
def test_quiz_options_are_whole_rows_a_thumb_can_tap(phone):
    phone = phone()
    phone.goto(LESSON)
    first = phone.page.locator(".option").first
    box = first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 280  # the whole width of the phone
    # A tap at the far end of the row, away from the round button, still chooses the answer.
    first.click(position={"x": box["width"] - 10, "y": box["height"] / 2})
    expect(first.locator("input")).to_be_checked()


@pytest.mark.browser
def test_a_lesson_side_by_side_with_norwegian_in_arabic(phone):
    phone = phone(javascript=False, locale="ar")
    page = phone.page
    phone.goto(f"{LESSON}/side-by-side?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    pairs = page.locator(".pair")
    assert pairs.count() > 10
    for index in (0, pairs.count() // 2, pairs.count() - 1):
        pair = pairs.nth(index)
        own, norwegian = pair.locator(".pair-own"), pair.locator(".pair-nb")
        expect(own).to_have_attribute("lang", "ar")
        expect(norwegian).to_have_attribute("lang", "nb")
        assert own.evaluate("e => getComputedStyle(e).direction") == "rtl"
        assert norwegian.evaluate("e => getComputedStyle(e).direction") == "ltr"
        own_box, nb_box, pair_box = (own.bounding_box(), norwegian.bounding_box(),
                                     pair.bounding_box())
        assert nb_box["y"] >= own_box["y"] + own_box["height"] - 1, "on a phone: above/below"
        assert pair_box["y"] <= own_box["y"] and \
            nb_box["y"] + nb_box["height"] <= pair_box["y"] + pair_box["height"] + 1
    phone.snap("side-by-side-arabic")
    page.locator("main .actions a.button-secondary").click()
    expect(page).to_have_url(phone.base_url + LESSON)
