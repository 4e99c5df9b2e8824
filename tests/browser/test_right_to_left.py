"""Right-to-left details a real browser must get right."""

import pytest

from housingschool.content.render import isolate_numbers

MEASURE = """() => { const node = document.querySelector('p').firstChild;
  const text = node.textContent, range = document.createRange();
  const x = (s) => { const i = text.indexOf(s); range.setStart(node, i);
                     range.setEnd(node, i + s.length); return range.getBoundingClientRect().x; };
  return [x('55'), x('39')]; }"""


@pytest.mark.browser
def test_phone_numbers_read_left_to_right_inside_arabic_text(browser):
    page = browser.new_page()
    try:
        text = "اتصل بالرقم 55 55 33 39 في أيام العمل"
        page.set_content(f'<p dir="rtl" lang="ar">{text}</p>')
        first, last = page.evaluate(MEASURE)
        assert first > last, "without isolation the browser reverses the groups"
        page.set_content(f'<p dir="rtl" lang="ar">{isolate_numbers(text)}</p>')
        first, last = page.evaluate(MEASURE)
        assert first < last, "55 55 33 39 must read from left to right"
    finally:
        page.close()
