"""A daily signatures chart as inline SVG, drawn on the server: no JavaScript, no styles."""

from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH = 600
HEIGHT = 120
AXIS = 16


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
        '<text x="0" y="{h}" font-size="11">{first}</text>'
        '<text x="{w}" y="{h}" font-size="11" text-anchor="end">{last}</text></svg>',
        w=WIDTH,
        h=HEIGHT,
        plot=plot,
        label=label,
        bars=bars,
        first=date_format(first, "SHORT_DATE_FORMAT"),
        last=date_format(last, "SHORT_DATE_FORMAT"),
    )
