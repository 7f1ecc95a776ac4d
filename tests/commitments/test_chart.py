"""The tracker's chart: its date labels stay inside the viewBox in every language."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from commitments.chart import commitments_chart_svg
from tests.pledges.test_chart import LANGUAGES, assert_labels_inside

SERIES = [(date(2026, 9, 1) + timedelta(days=i), i + 1, i // 3) for i in range(90)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_labels_are_inside_the_viewbox(language):
    with translation.override(language):
        assert_labels_inside(str(commitments_chart_svg(SERIES)))
