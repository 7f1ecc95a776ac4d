"""The tracker's chart: commitments pledged and fulfilled over time, as inline SVG."""

from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pledges.chart import AXIS, HEIGHT, WIDTH, axis_labels


def _two_series_svg(series: list[tuple[date, int, int]], *, label: str, css: str) -> SafeString:
    """A running total (line) over a part of it (filled area), oldest day at the left in
    every language (`axis_labels` keeps the dates inside the chart on Arabic pages)."""
    peak = max(total for _, total, _part in series) or 1
    plot = HEIGHT - AXIS
    step = WIDTH / max(len(series) - 1, 1)

    def points(index: int) -> str:
        return " ".join(
            f"{i * step:.1f},{plot - row[index] * plot / peak:.1f}" for i, row in enumerate(series)
        )

    return format_html(
        '<svg class="chart {css}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        '<polygon class="fulfilled" points="0,{plot} {part} {w},{plot}"/>'
        '<polyline class="pledged" points="{total}" fill="none" stroke="currentColor" '
        'stroke-width="2"/>'
        '<line x1="0" y1="{plot}" x2="{w}" y2="{plot}" stroke="currentColor" stroke-width="1"/>'
        "{labels}</svg>",
        css=css,
        w=WIDTH,
        h=HEIGHT,
        plot=plot,
        label=label,
        total=points(1),
        part=points(2),
        labels=axis_labels(series[0][0], series[-1][0], fill="currentColor"),
    )


def pressure_chart_svg(series: list[tuple[date, int, int]]) -> SafeString:
    """A target's pressure over time: organisations pledged against it (line) and those of
    them that acted (filled area). Empty when nobody has pledged yet."""
    if not series or not series[-1][1]:
        return SafeString("")
    label = _(
        "Organisations pledged from %(start)s to %(end)s: %(pledged)s, of which %(acted)s acted"
    ) % {
        "start": date_format(series[0][0]),
        "end": date_format(series[-1][0]),
        "pledged": series[-1][1],
        "acted": series[-1][2],
    }
    return _two_series_svg(series, label=label, css="pressure-chart")


def commitments_chart_svg(series: list[tuple[date, int, int]]) -> SafeString:
    """Two running totals over time: commitments pledged (line) and fulfilled (filled area).

    The label carries the figures for screen readers; nothing here needs styles or scripts.
    """
    if not series or not series[-1][1]:
        return SafeString("")
    first, last = series[0][0], series[-1][0]
    label = _(
        "Commitments from %(start)s to %(end)s: %(pledged)s pledged, %(fulfilled)s fulfilled"
    ) % {
        "start": date_format(first),
        "end": date_format(last),
        "pledged": series[-1][1],
        "fulfilled": series[-1][2],
    }
    return _two_series_svg(series, label=label, css="commitments-chart")
