"""The demo reads as translated on every language's pages: titles and the texts under them."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from campaigns.models import Campaign, CampaignTranslation

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
FIELDS = ("title", "summary", "statement", "call_to_action")


@pytest.fixture
def demo():
    call_command("load_demo", "--password", "demo-pass-123", stdout=StringIO())
    return list(Campaign.objects.order_by("slug"))


def test_every_demo_campaign_is_translated_in_every_language_field_by_field(demo):
    assert len(demo) == 3
    for campaign in demo:
        for language in LANGUAGES:
            row = CampaignTranslation.objects.get(campaign=campaign, language=language)
            for name in FIELDS:
                text = getattr(row, name)
                assert text and text != getattr(campaign, name), (campaign.slug, language, name)


@pytest.mark.parametrize(
    ("language", "word"),
    [("es", "Nos negamos"), ("fr", "refusons"), ("pt", "recusamos"), ("ar", "نرفض")],
)
def test_the_statement_under_a_translated_title_is_translated(demo, language, word):
    content = Campaign.objects.get(slug="refuse-extraction").content(language)
    assert content.statement_language == language and content.statement_direction == (
        "rtl" if language == "ar" else "ltr"
    )
    assert word in content.statement and "We **refuse**" not in content.statement
    assert word in str(content.statement_html)


def test_loading_the_demo_again_keeps_one_translation_each(demo):
    call_command("load_demo", "--password", "demo-pass-123", stdout=StringIO())
    assert CampaignTranslation.objects.count() == len(demo) * len(LANGUAGES)
