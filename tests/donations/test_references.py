"""The reference donors quote with an offline gift (issue 15): short, stable, not personal,
and a typo is caught before Finance counts a gift toward the wrong campaign."""

import pytest

from campaigns.models import Campaign
from donations import references
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


def test_a_campaign_has_one_short_code_the_same_every_time(fundraiser):
    code = references.reference_for(fundraiser)
    assert code == references.reference_for(Campaign.objects.get(pk=fundraiser.pk))
    assert code.startswith("FUND-")
    assert len(code) <= 11  # fits M-Pesa's account field (12)
    assert code != references.reference_for(None)


def test_campaigns_starting_alike_get_different_codes(db):
    codes = {
        references.reference_for(create_campaign(slug, kind=Campaign.Kind.FUNDRAISER))
        for slug in ("refuse-2025", "refuse-2026", "refuse-20255", "refuse")
    }
    assert len(codes) == 4
    assert all(code.startswith("REFUSE-") for code in codes)


def test_a_quoted_code_finds_its_campaign_however_it_is_typed(fundraiser):
    code = references.reference_for(fundraiser)
    for typed in (code, code.lower(), code.replace("-", " "), f" {code.replace('-', '')} "):
        assert references.resolve(typed) == fundraiser
    assert references.resolve(references.reference_for(None)) is None


def test_every_single_mistyped_character_is_caught(fundraiser):
    code = references.normalise(references.reference_for(fundraiser))
    for i, right in enumerate(code):
        for wrong in references.ALPHABET:
            if wrong == right:
                continue
            typo = code[:i] + wrong + code[i + 1 :]
            assert not references.is_well_formed(typo), typo
            with pytest.raises(references.UnknownReference):
                references.resolve(typo)


def test_an_old_or_made_up_code_is_refused(fundraiser):
    gone = references.reference_for(Campaign(slug="renamed-since"))
    with pytest.raises(references.UnknownReference):
        references.resolve(gone)
    with pytest.raises(references.UnknownReference):
        references.resolve("")
