"""The approval migration keeps every existing translation public, and the Translators group
comes with exactly its permissions; both run backwards too."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.models import Campaign, CampaignTranslation
from staff.roles import COMMUNICATIONS, TRANSLATORS

BEFORE = [("campaigns", "0008_campaign_hero_image")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_translations_stay_public_after_the_migration():
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldCampaign = old.get_model("campaigns", "Campaign")
    OldTranslation = old.get_model("campaigns", "CampaignTranslation")
    campaign = OldCampaign.objects.create(
        slug="before", kind="statement", title="Before", status="live"
    )
    for language, title in [("es", "Antes"), ("fr", "Avant"), ("ar", "قبل")]:
        OldTranslation.objects.create(campaign=campaign, language=language, title=title)
    assert not Group.objects.filter(name=TRANSLATORS).exists()

    _migrate("head")
    rows = CampaignTranslation.objects.filter(campaign_id=campaign.pk)
    assert rows.count() == 3
    assert all(row.is_approved for row in rows)
    assert {row.approved_by for row in rows} == {None}
    migrated = Campaign.objects.prefetch_related("translations").get(pk=campaign.pk)
    assert migrated.content("es").title == "Antes"
    assert migrated.available_languages() == ["en", "es", "fr", "ar"]
    # A translation written later without approval is not public.
    CampaignTranslation.objects.create(
        campaign=migrated, language="pt", title="Depois", approved_at=None
    )
    migrated = Campaign.objects.prefetch_related("translations").get(pk=campaign.pk)
    assert migrated.content("pt").title == "Before"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_translators_group_can_translate_and_nothing_more():
    translators = Group.objects.get(name=TRANSLATORS)
    assert set(translators.permissions.values_list("codename", flat=True)) == {
        "view_campaign",
        "add_campaigntranslation",
        "change_campaigntranslation",
        "view_campaigntranslation",
    }
    communications = set(
        Group.objects.get(name=COMMUNICATIONS).permissions.values_list("codename", flat=True)
    )
    assert {"approve_campaigntranslation", "add_translatorlanguage"} <= communications

    _migrate(BEFORE)  # backwards: the group and Communications' new permissions go
    assert not Group.objects.filter(name=TRANSLATORS).exists()
    communications = set(
        Group.objects.get(name=COMMUNICATIONS).permissions.values_list("codename", flat=True)
    )
    assert "approve_campaigntranslation" not in communications
    _migrate("head")
    assert Group.objects.filter(name=TRANSLATORS).exists()
