"""The demo's paper batches load once, however often `load_demo` runs."""

import pytest

from campaigns.progress import compute_progress
from paper.demo import load_paper_demo
from paper.models import PaperBatch
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


def test_the_demo_batches_load_once():
    campaign = create_campaign("refuse-extraction")
    load_paper_demo()
    load_paper_demo()
    assert PaperBatch.objects.count() == 2
    assert compute_progress(campaign).paper_signatures == 1930
