"""The campaign dashboard's charts, drawn on the server as inline SVG: no JavaScript.

Every label is inside the viewBox in every language. A label says its direction and is
anchored by its outer end, as `pledges.chart.axis_labels` does (SVG text runs in the page's
direction, and `text-anchor` follows it): time runs left to right in every language, while
the bar charts of names mirror on a right-to-left page, names at the right. Labels too long
for their column are shortened with "…" (the full text is in the bar's tooltip and in the
table under each chart). The helper there is not reused as such: it draws a fixed 600 × 120
chart with no scale, and these charts carry a scale and more than two labels.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language_bidi

from lib.locales import format_count

WIDTH = 640
FONT_SIZE = 12

# The daily chart: the scale on the left, dates below.
DAILY_HEIGHT = 200
SCALE_WIDTH = 56  # "12,345" and a gap
TOP = 8
AXIS = 22  # the dates' band under the plot


@dataclass(frozen=True)
class Series:
    key: str  # a CSS class: "confirmed", "pending" …
    label: str
    values: list[int]
    colour: str  # fill when no stylesheet applies


def _direction() -> tuple[str, str, str]:
    """(direction, anchor putting text's left edge at x, anchor putting its right edge at x)."""
    if get_language_bidi():
        return "rtl", "end", "start"
    return "ltr", "start", "end"


def shorten(text: str, width: float, *, size: float = FONT_SIZE) -> str:
    """`text`, cut with "…" to fit `width` at `size` by a generous estimate."""
    fits = max(1, int(width // (0.6 * size)))
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


def nice_step(peak: int, *, steps: int = 4) -> int:
    """A round step (1, 2, 5 times a power of ten) giving about `steps` steps up to `peak`."""
    if peak <= steps:
        return 1
    rough = peak / steps
    power = 10 ** math.floor(math.log10(rough))
    return next(f * power for f in (1, 2, 5, 10) if rough <= f * power)


def daily_chart_svg(days: list[date], series: list[Series], *, label: str) -> SafeString:
    """Stacked bars, one per day, one segment per series; a scale of counts on the left,
    the first, middle and last dates below. `label` describes the chart for screen readers
    (the figures are also in the table beside it)."""
    if not days:
        return SafeString("")
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    step = nice_step(max(totals, default=0))
    steps = max(1, math.ceil(max(totals, default=0) / step))
    top_value = step * steps
    plot_left, plot_right = SCALE_WIDTH, WIDTH
    plot_top, plot_bottom = TOP, DAILY_HEIGHT - AXIS
    plot_height = plot_bottom - plot_top
    slot = (plot_right - plot_left) / len(days)
    bar = max(1.0, slot * 0.8)

    grid = []
    for i in range(steps + 1):
        y = plot_bottom - plot_height * i / steps
        grid.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid{}"/>'
                '<text x="{}" y="{}" font-size="{}" direction="ltr" text-anchor="end">{}</text>',
                plot_left,
                f"{y:.1f}",
                plot_right,
                f"{y:.1f}",
                " base" if i == 0 else "",
                plot_left - 6,
                f"{y + FONT_SIZE * 0.35:.1f}",
                FONT_SIZE,
                format_count(step * i),
            )
        )
    bars = []
    for i, day in enumerate(days):
        x = plot_left + i * slot + (slot - bar) / 2
        y = plot_bottom
        parts = ", ".join(f"{s.label} {format_count(s.values[i])}" for s in series)
        tooltip = f"{date_format(day, 'SHORT_DATE_FORMAT')}: {parts}"
        for s in series:
            value = s.values[i]
            if not value:
                continue
            height = plot_height * value / top_value
            y -= height
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="bar {}" fill="{}">'
                    "<title>{}</title></rect>",
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{bar:.1f}",
                    f"{height:.1f}",
                    s.key,
                    s.colour,
                    tooltip,
                )
            )
    direction, left_edge, right_edge = _direction()
    baseline = DAILY_HEIGHT - 6
    dates = [
        format_html(
            '<text x="{}" y="{}" font-size="{}" direction="{}" text-anchor="{}">{}</text>',
            plot_left,
            baseline,
            FONT_SIZE,
            direction,
            left_edge,
            date_format(days[0], "SHORT_DATE_FORMAT"),
        ),
        format_html(
            '<text x="{}" y="{}" font-size="{}" direction="{}" text-anchor="{}">{}</text>',
            WIDTH,
            baseline,
            FONT_SIZE,
            direction,
            right_edge,
            date_format(days[-1], "SHORT_DATE_FORMAT"),
        ),
    ]
    if len(days) >= 14:
        middle = len(days) // 2
        dates.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" direction="{}" text-anchor="middle">{}</text>',
                f"{plot_left + (middle + 0.5) * slot:.1f}",
                baseline,
                FONT_SIZE,
                direction,
                date_format(days[middle], "SHORT_DATE_FORMAT"),
            )
        )
    return format_html(
        '<svg class="dashboard-chart daily" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" fill="currentColor">{}{}{}</svg>',
        WIDTH,
        DAILY_HEIGHT,
        label,
        SafeString("".join(grid)),  # nosec B703 - each part made by format_html
        SafeString("".join(bars)),  # nosec B703 - each part made by format_html
        SafeString("".join(dates)),  # nosec B703 - each part made by format_html
    )


# Bars of named things (statuses, partners, countries, currencies) -------------------------

BARS_WIDTH = 420  # narrower than the daily chart: these sit two to a row on a wide screen
BARS_FONT_SIZE = 13  # a phone draws these at about four fifths of their size
ROW = 36  # a name, and under it the bar with its figure
VALUE_WIDTH = 120  # "€1,234,567.89" at BARS_FONT_SIZE, generously
GAP = 6


@dataclass(frozen=True)
class Bar:
    name: str
    value: float  # the bar's length, in any unit shared by the chart's bars
    text: str  # the figure written after the bar: "1,234", "€23.10"
    key: str = ""  # a CSS class
    colour: str = "#417690"


def bars_svg(bars: list[Bar], *, label: str) -> SafeString:
    """Horizontal bars, each under its name with its figure after it, in the page's
    direction: on a right-to-left page names and bars start at the right edge. A name has
    the chart's whole width, so it is seldom shortened."""
    if not bars:
        return SafeString("")
    direction, left_edge, right_edge = _direction()
    rtl = direction == "rtl"
    height = ROW * len(bars)
    bar_room = BARS_WIDTH - VALUE_WIDTH - GAP
    peak = max((b.value for b in bars), default=0) or 1
    items = []
    for i, b in enumerate(bars):
        top = i * ROW
        length = bar_room * b.value / peak if b.value else 0.0
        length = max(length, 1.0) if b.value else 0.0
        # Names start at the chart's edge on the reading side; figures follow their bar.
        if rtl:
            name_x, bar_x, value_x = BARS_WIDTH, BARS_WIDTH - length, BARS_WIDTH - length - GAP
            anchor = right_edge  # the text's right edge at x
        else:
            name_x, bar_x, value_x = 0, 0, length + GAP
            anchor = left_edge
        items.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" direction="{}" text-anchor="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar {}" fill="{}">'
                "<title>{}: {}</title></rect>"
                '<text x="{}" y="{}" font-size="{}" direction="{}" text-anchor="{}" '
                'class="figure-text">{}</text>',
                name_x,
                top + 14,
                BARS_FONT_SIZE,
                direction,
                anchor,
                shorten(b.name, BARS_WIDTH, size=BARS_FONT_SIZE),
                f"{bar_x:.1f}",
                top + 19,
                f"{length:.1f}",
                12,
                b.key,
                b.colour,
                b.name,
                b.text,
                f"{value_x:.1f}",
                top + 29,
                BARS_FONT_SIZE,
                direction,
                anchor,
                shorten(b.text, VALUE_WIDTH, size=BARS_FONT_SIZE),
            )
        )
    return format_html(
        '<svg class="dashboard-chart bars" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" fill="currentColor">{}</svg>',
        BARS_WIDTH,
        height,
        label,
        format_html_join("", "{}", ((item,) for item in items)),
    )
