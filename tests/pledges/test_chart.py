"""The daily chart's date labels stay inside its viewBox, in every language and direction."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import translation

from pledges.chart import daily_chart_svg

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SVG = "{http://www.w3.org/2000/svg}"
# A generous width estimate: digits and Latin letters are about 0.55 em wide in the sans-serif
# fonts browsers pick, so 0.6 em a character (zero-width marks included) over-estimates.
EM_PER_CHARACTER = 0.6
ASCENT, DESCENT = 0.8, 0.25  # of the font size, above and below the baseline


def label_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """(text, left, right, top, bottom) of each <text>, as a browser would lay it out.

    A label without its own `direction` runs in the page's, which is the language's."""
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    page_direction = "rtl" if translation.get_language_bidi() else "ltr"
    boxes = []
    for text in root.iter(f"{SVG}text"):
        size = float(text.get("font-size", "16"))
        width = len(text.text or "") * size * EM_PER_CHARACTER
        x, y = float(text.get("x", "0")), float(text.get("y", "0"))
        direction = text.get("direction", page_direction)
        anchor = text.get("text-anchor", "start")
        if anchor == "middle":
            left = x - width / 2
        elif (anchor == "start") == (direction == "ltr"):
            left = x  # the start of left-to-right text, or the end of right-to-left text
        else:
            left = x - width
        boxes.append((text.text, left, left + width, y - ASCENT * size, y + DESCENT * size))
    return boxes


def assert_labels_inside(svg: str) -> None:
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
    boxes = label_boxes(svg)
    assert len(boxes) == 2, boxes
    for text, left, right, top, bottom in boxes:
        assert left >= 0 and right <= width, (text, left, right)
        assert top >= 0 and bottom <= height, (text, top, bottom)
    (_first, _l, first_right, *_), (_last, last_left, *_) = boxes
    assert first_right < last_left, boxes  # the two dates do not overlap


SERIES = [(date(2026, 11, 1) + timedelta(days=i), i % 7 + 1) for i in range(30)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_labels_are_inside_the_viewbox(language):
    with translation.override(language):
        assert_labels_inside(str(daily_chart_svg(SERIES)))


def test_arabic_labels_say_their_direction_and_anchor_at_their_outer_ends():
    """In right-to-left text "start" is the right end: a label anchored at x=0 by its start
    is drawn left of the chart, outside it."""
    with translation.override("ar"):
        root = ET.fromstring(str(daily_chart_svg(SERIES)))  # noqa: S314 - our own markup
    first, last = root.iter(f"{SVG}text")
    assert (first.get("x"), first.get("direction"), first.get("text-anchor")) == ("0", "rtl", "end")
    assert (last.get("direction"), last.get("text-anchor")) == ("rtl", "start")
