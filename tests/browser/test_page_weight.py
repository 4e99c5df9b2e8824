"""The page weight budget, measured in Chromium: a lesson's first visit is at most 30 KB of
HTML, CSS, JS and fonts over the wire, and a repeat visit downloads nothing but the page."""

import pytest

from bench.page_weight import BUDGET_KINDS, PHONE, Recorder, first_and_repeat, kb, sign_in

BUDGET = 30_000  # bytes over the wire, headers included (the aim is 14 KB)
LESSON = "/modules/tenancy-rights/deposit-and-rent"


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nb", "ar"])
def test_lesson_fits_the_budget_and_a_repeat_visit_downloads_only_the_page(
        browser, live_server, factory, language):
    factory.user("amina", group=factory.group())
    state = sign_in(browser, live_server, language, "amina", "482915")
    first, repeat = first_and_repeat(browser, state, live_server + LESSON)
    print(f"\nlesson ({language}), first visit: {kb(first.budget)} KB of HTML+CSS+JS+fonts "
          f"({', '.join(f'{kind} {kb(first.transferred[kind])}' for kind in BUDGET_KINDS)}), "
          f"{first.requests} requests; repeat visit: {kb(repeat.total)} KB")

    assert first.transferred["html"] > 0 and first.transferred["css"] > 0  # it was measured
    assert first.body["html"] < first.decoded["html"] / 2  # compressed
    assert first.budget <= BUDGET, f"{kb(first.budget)} KB is over the 30 KB budget"

    _page, *others = repeat.statuses.items()
    for url, status in others:
        if repeat.kinds[url] in ("css", "js", "fonts", "images"):
            assert status == "cache", f"{url} was asked for again ({status})"
        else:  # data a script asks for may be checked again, but not downloaded
            assert status in ("cache", 304), f"{url} was downloaded again ({status})"
    revalidated = sum(status == 304 for _url, status in others)
    # The page again (its fresh quiz attempt id may compress a few bytes differently), and
    # headers only for what was checked again.
    assert repeat.total <= first.transferred["html"] + 100 + 1_000 * revalidated


@pytest.mark.browser
def test_unchanged_module_page_is_not_downloaded_again(browser, live_server, factory):
    factory.user("amina", group=factory.group())
    state = sign_in(browser, live_server, "en", "amina", "482915")
    first, repeat = first_and_repeat(browser, state, live_server + "/modules/tenancy-rights")
    assert repeat.page_status == 304
    assert all(status in ("cache", 304) for status in repeat.statuses.values())
    assert repeat.transferred["html"] < 1_000 < first.transferred["html"]  # headers only


@pytest.mark.browser
def test_stylesheet_and_scripts_stay_cached_when_the_session_cookie_changes(
        browser, live_server):
    """Choosing another language (like signing in) gives the phone a new session cookie; it
    must not fetch the same stylesheet and scripts again because of that."""
    context = browser.new_context(**PHONE, service_workers="block")
    try:
        page = context.new_page()
        Recorder(page).load(page, live_server + "/modules/waste?lang=nb")
        page.close()
        page = context.new_page()  # a new tab: only the HTTP cache, not the tab's memory
        weight = Recorder(page).load(page, live_server + "/modules/waste?lang=ar")
    finally:
        context.close()
    files = {url: status for url, status in weight.statuses.items()
             if weight.kinds[url] in ("css", "js")}
    assert files and all(status == "cache" for status in files.values()), files
