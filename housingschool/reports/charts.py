"""Horizontal bar charts as inline SVG, drawn on the server: no JavaScript, readable on a phone.

Pure functions: text in, markup out. Each bar has its label on a line of its own above it, so
long names fit a 360 px screen; the value is written at the end of the bar, never shown by
length or colour alone. Right-to-left pages get a mirrored chart (bars grow from the right).
The page puts a table with the same numbers next to every chart.
"""

from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 320  # viewBox units; about one CSS pixel each on a phone
PAD = 4
ROW = 46  # label line + bar + gap
LABEL_SIZE = 14
BAR_HEIGHT = 16
VALUE_SPACE = 64  # room after the longest bar for its value, e.g. "100 %"
LABEL_CHARS = 40


@dataclass(frozen=True)
class Bar:
    """One bar: what it is, how long (0..maximum, None for "no data") and the value as text."""

    label: str
    value: float | None
    text: str


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    """The label cut to `limit` characters with an ellipsis (the table has it in full)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_length(value: float | None, maximum: float) -> float:
    """How many units long a bar is drawn (values outside 0..maximum are clamped)."""
    if value is None or maximum <= 0:
        return 0.0
    track = WIDTH - 2 * PAD - VALUE_SPACE
    return round(track * min(max(value / maximum, 0.0), 1.0), 1)


def height(count: int) -> int:
    """The chart's height for `count` bars."""
    return max(count, 1) * ROW + PAD


def _x(x: float, length: float, rtl: bool) -> float:
    """Where something `length` wide starting `x` from the start edge begins, in SVG units."""
    return round(WIDTH - x - length, 1) if rtl else x


def _bar(index: int, bar: Bar, maximum: float, rtl: bool) -> Markup:
    top = index * ROW + PAD
    track = WIDTH - 2 * PAD - VALUE_SPACE
    length = bar_length(bar.value, maximum)
    label_y, bar_y = top + LABEL_SIZE, top + LABEL_SIZE + 6
    # In RTL a text's start is its right edge, so "start" anchors mirror by themselves.
    start = WIDTH - PAD if rtl else PAD
    value_x = round(WIDTH - (PAD + length + 6), 1) if rtl else PAD + length + 6
    parts = [
        Markup("<g><title>{}: {}</title>").format(bar.label, bar.text),
        Markup('<text class="chart-label" x="{}" y="{}" font-size="{}">{}</text>').format(
            start, label_y, LABEL_SIZE, shorten(bar.label)),
        Markup('<rect class="chart-track" x="{}" y="{}" width="{}" height="{}" rx="3"/>').format(
            _x(PAD, track, rtl), bar_y, track, BAR_HEIGHT),
    ]
    if length:
        parts.append(Markup(
            '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" rx="3"/>').format(
            _x(PAD, length, rtl), bar_y, length, BAR_HEIGHT))
    parts.append(Markup(
        '<text class="chart-value" x="{}" y="{}" font-size="{}">{}</text></g>').format(
        value_x, bar_y + BAR_HEIGHT - 3, LABEL_SIZE - 1, bar.text))
    return Markup("").join(parts)


def bar_chart(bars: list[Bar], *, chart_id: str, title: str, description: str = "",
              maximum: float = 1.0, rtl: bool = False) -> Markup:
    """An accessible horizontal bar chart: role="img" named by its <title> and <desc>.

    `chart_id` must be unique on the page; `description` should say where the same numbers
    are as a table. The description also lists every bar's value for screen readers.
    """
    listed = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    desc = " ".join(part for part in (description, listed) if part)
    tall = height(len(bars))
    body = Markup("").join(_bar(i, bar, maximum, rtl) for i, bar in enumerate(bars))
    return Markup(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" direction="{dir}" text-anchor="start">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(id=chart_id, w=WIDTH, h=tall, dir="rtl" if rtl else "ltr", title=title, desc=desc,
             body=body)
