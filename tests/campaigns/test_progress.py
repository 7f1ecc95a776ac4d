from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone, translation

from campaigns import progress
from pledges import services
from tests.catalogue import CONTEXT, extra_translations
from tests.pledges.conftest import sign

pytestmark = pytest.mark.django_db


def confirm(signature, capture):
    with capture(execute=True):
        services.confirm_signature(signature.pk)


def test_a_confirmation_shows_at_the_next_read(campaign, django_capture_on_commit_callbacks):
    pending = sign(campaign).signature
    assert progress.campaign_progress(campaign).signatures == 0
    confirm(pending, django_capture_on_commit_callbacks)
    assert progress.campaign_progress(campaign).signatures == 1


def test_while_another_process_recounts_readers_get_the_last_figures(
    campaign, django_capture_on_commit_callbacks
):
    pending = sign(campaign).signature
    assert progress.campaign_progress(campaign).signatures == 0
    confirm(pending, django_capture_on_commit_callbacks)
    cache.add(progress._lock_key(campaign.pk), 1, 30)  # someone else is counting
    assert progress.campaign_progress(campaign).signatures == 0
    cache.delete(progress._lock_key(campaign.pk))
    assert progress.campaign_progress(campaign).signatures == 1


def test_figures_older_than_the_counter_cache_seconds_are_recounted(campaign, settings):
    settings.COUNTER_CACHE_SECONDS = 5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = progress.campaign_progress(campaign)
        clock.shift(timedelta(seconds=4))
        assert progress.campaign_progress(campaign).updated_at == first.updated_at
        clock.shift(timedelta(seconds=2))
        assert progress.campaign_progress(campaign).updated_at > first.updated_at


def test_a_signing_spike_recounts_once_per_read_not_once_per_commit(
    campaign, django_assert_num_queries, django_capture_on_commit_callbacks
):
    progress.campaign_progress(campaign)
    for n in range(5):
        confirm(sign(campaign, email=f"spike{n}@example.org").signature,
                django_capture_on_commit_callbacks)  # fmt: skip
    figures = progress.campaign_progress(campaign)
    assert figures.signatures == 5
    with django_assert_num_queries(0):
        assert progress.campaign_progress(campaign) == figures


FIGURE = "progress figure, after its count" + CONTEXT


@pytest.mark.parametrize(
    ("key", "one", "two"),
    [
        ("signatures", "signature", "signatures"),
        ("organisations", "organisation", "organisations"),
        ("commitments_fulfilled", "commitment fulfilled", "commitments fulfilled"),
    ],
)
def test_a_figures_label_agrees_with_its_count(key, one, two):
    """ "1 commitments fulfilled" no more; the name without a count stays plural."""
    assert progress.Figure(key, 1, None).label == one
    assert progress.Figure(key, 2, None).label == two
    assert progress.Figure(key, 0, None).label == two
    assert progress.Figure(key, 1, None).name == two


def test_a_figures_label_takes_every_plural_form_of_the_language():
    """Arabic has six forms: 0, 1, 2, 3–10, 11–99, and 100, 101, 102…"""
    forms = ["صفر", "توقيع واحد", "توقيعان", "توقيعات", "توقيعًا", "توقيع"]
    with (
        translation.override("ar"),
        extra_translations("ar", {(FIGURE + "signature", i): f for i, f in enumerate(forms)}),
    ):
        labels = [progress.Figure("signatures", n, None).label for n in (0, 1, 2, 3, 11, 100)]
    assert labels == forms
