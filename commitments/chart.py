"""The tracker's chart: commitments pledged and fulfilled over time, as inline SVG."""

from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pledges.chart import AXIS, HEIGHT, WIDTH, axis_labels


def commitments_chart_svg(series: list[tuple[date, int, int]]) -> SafeString:
    """Two running totals over time: commitments pledged (line) and fulfilled (filled area).

    The label carries the figures for screen readers; nothing here needs styles or scripts.
    """
    if not series or not series[-1][1]:
        return SafeString("")
    peak = max(pledged for _, pledged, _f in series) or 1
    plot = HEIGHT - AXIS
    step = WIDTH / max(len(series) - 1, 1)

    def points(index: int) -> str:
        return " ".join(
            f"{i * step:.1f},{plot - row[index] * plot / peak:.1f}" for i, row in enumerate(series)
        )

    first, last = series[0][0], series[-1][0]
    label = _(
        "Commitments from %(start)s to %(end)s: %(pledged)s pledged, %(fulfilled)s fulfilled"
    ) % {
        "start": date_format(first),
        "end": date_format(last),
        "pledged": series[-1][1],
        "fulfilled": series[-1][2],
    }
    return format_html(
        '<svg class="chart commitments-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        '<polygon class="fulfilled" points="0,{plot} {fulfilled} {w},{plot}"/>'
        '<polyline class="pledged" points="{pledged}" fill="none" stroke="currentColor" '
        'stroke-width="2"/>'
        '<line x1="0" y1="{plot}" x2="{w}" y2="{plot}" stroke="currentColor" stroke-width="1"/>'
        "{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        plot=plot,
        label=label,
        pledged=points(1),
        fulfilled=points(2),
        labels=axis_labels(first, last, fill="currentColor"),
    )
