"""A daily signatures chart as inline SVG, drawn on the server: no JavaScript, no styles."""

from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

WIDTH = 600
HEIGHT = 120
AXIS = 16
FONT_SIZE = 11
# The labels' baseline, with room below it for descenders ("/" and "," go below it): the
# viewBox ends at HEIGHT and clips anything drawn further down.
LABEL_BASELINE = HEIGHT - 4


def daily_chart_svg(series: list[tuple[date, int]]) -> SafeString:
    """Bars, one per day; the label and each bar's title carry the numbers for screen readers."""
    if not series or not any(n for _, n in series):
        return SafeString("")
    peak = max(n for _, n in series)
    slot = WIDTH / len(series)
    bar = max(slot - 1, 1)
    plot = HEIGHT - AXIS
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{i * slot:.1f}",
                f"{plot - (n * plot / peak):.1f}",
                f"{bar:.1f}",
                f"{n * plot / peak:.1f}",
                date_format(day, "SHORT_DATE_FORMAT"),
                n,
            )
            for i, (day, n) in enumerate(series)
        ),
    )
    first, last = series[0][0], series[-1][0]
    label = _("Confirmed signatures per day, %(start)s to %(end)s; most in one day: %(peak)s") % {
        "start": date_format(first),
        "end": date_format(last),
        "peak": peak,
    }
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg" fill="currentColor">{bars}'
        '<line x1="0" y1="{plot}" x2="{w}" y2="{plot}" stroke="currentColor" stroke-width="1"/>'
        "{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        plot=plot,
        label=label,
        bars=bars,
        labels=axis_labels(first, last),
    )


def axis_labels(first: date, last: date, **attrs: str) -> SafeString:
    """The first and last dates under the axis, inside the viewBox in every language.

    SVG text runs in the page's direction, and `text-anchor` follows it: on an Arabic page
    "start" is the right end of the text, so a date anchored at x=0 was drawn to the left
    of the chart, outside it, and the last one past its right edge. Each label names its
    direction and is anchored by its outer end, so the first date's left edge is at 0 and
    the last date's right edge at WIDTH whatever the page's direction. Time runs left to
    right in every language, as the bars do.
    """
    rtl = get_language_bidi()
    # In right-to-left text the end is the left edge; in left-to-right text the start is.
    left_edge, right_edge = ("end", "start") if rtl else ("start", "end")
    extra = format_html_join("", ' {}="{}"', attrs.items())
    return format_html(
        '<text x="0" y="{y}" font-size="{size}" direction="{direction}" text-anchor="{left}"'
        "{extra}>{first}</text>"
        '<text x="{w}" y="{y}" font-size="{size}" direction="{direction}" text-anchor="{right}"'
        "{extra}>{last}</text>",
        w=WIDTH,
        y=LABEL_BASELINE,
        size=FONT_SIZE,
        direction="rtl" if rtl else "ltr",
        left=left_edge,
        right=right_edge,
        extra=extra,
        first=date_format(first, "SHORT_DATE_FORMAT"),
        last=date_format(last, "SHORT_DATE_FORMAT"),
    )
