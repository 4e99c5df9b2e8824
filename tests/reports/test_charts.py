"""Server-drawn bar charts: accessible, escaped, scaled, and mirrored for right-to-left pages."""

import re

from housingschool.reports.charts import (
    PAD,
    VALUE_SPACE,
    WIDTH,
    Bar,
    bar_chart,
    bar_length,
    height,
    shorten,
)

TRACK = WIDTH - 2 * PAD - VALUE_SPACE


def rects(svg: str, kind: str) -> list[dict[str, float]]:
    found = re.findall(rf'<rect class="chart-{kind}" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"',
                       str(svg))
    return [{"x": float(x), "y": float(y), "width": float(w)} for x, y, w in found]


def test_bars_are_as_long_as_their_share_of_the_maximum():
    assert bar_length(1.0, 1.0) == TRACK
    assert bar_length(0.5, 1.0) == round(TRACK / 2, 1)
    assert bar_length(30, 60) == round(TRACK / 2, 1)
    assert bar_length(2.0, 1.0) == TRACK and bar_length(-1, 1.0) == 0  # clamped
    assert bar_length(None, 1.0) == 0 and bar_length(5, 0) == 0


def test_chart_is_an_image_named_by_its_title_and_description():
    svg = str(bar_chart([Bar("Waste", 0.25, "25 %"), Bar("Fire safety", 1.0, "100 %")],
                        chart_id="c1", title="Completed each module",
                        description="The table below has the same numbers."))
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Completed each module</title>' in svg
    assert ("The table below has the same numbers. Waste: 25 %; Fire safety: 100 %</desc>"
            in svg)
    assert [r["width"] for r in rects(svg, "bar")] == [bar_length(0.25, 1), TRACK]
    assert len(rects(svg, "track")) == 2
    assert f'viewBox="0 0 {WIDTH} {height(2)}"' in svg
    assert "style=" not in svg and "<script" not in svg  # the CSP allows neither


def test_a_bar_without_data_has_no_bar_but_says_so():
    svg = str(bar_chart([Bar("Autumn", None, "No data")], chart_id="c", title="t"))
    assert rects(svg, "bar") == [] and len(rects(svg, "track")) == 1
    assert ">No data</text>" in svg


def test_names_are_escaped_and_long_names_shortened():
    name = "<script>alert(1)</script> " + "x" * 60
    svg = str(bar_chart([Bar(name, 0.5, "50 %")], chart_id="c", title="A & B"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "A &amp; B" in svg
    label = re.search(r'<text class="chart-label"[^>]*>([^<]*)</text>', svg).group(1)
    assert label.endswith("…") and len(label.replace("&lt;", "<").replace("&gt;", ">")) == 40
    assert shorten("Short") == "Short"


def test_right_to_left_charts_grow_from_the_right():
    ltr = str(bar_chart([Bar("مجموعة", 0.5, "50 %")], chart_id="c", title="t"))
    rtl = str(bar_chart([Bar("مجموعة", 0.5, "50 %")], chart_id="c", title="t", rtl=True))
    length = bar_length(0.5, 1.0)
    assert rects(ltr, "bar")[0]["x"] == PAD
    assert rects(rtl, "bar")[0]["x"] == round(WIDTH - PAD - length, 1)
    assert 'direction="rtl"' in rtl and 'direction="ltr"' in ltr
    label_x = re.search(r'class="chart-label" x="([\d.]+)"', rtl).group(1)
    assert float(label_x) == WIDTH - PAD  # the label starts at the right edge
