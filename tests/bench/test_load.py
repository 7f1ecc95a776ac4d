"""The benchmark's loader writes rows the current models accept (it COPYs straight into the
tables, so a new column without a database default would break it)."""

import random

import pytest
from django.conf import settings

from bench import load
from lib.mailboxes import email_hash
from pledges.models import Organisation, OrgPledge, Signature

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the loader uses PostgreSQL's COPY, as the bench database does",
    ),
]


def test_a_small_data_set_loads_into_the_current_tables():
    rng = random.Random(7)
    campaigns = load.make_campaigns()
    load.copy_organisations(campaigns, 6, rng)
    load.copy_signatures(campaigns, 60, rng)
    assert Organisation.objects.count() == 6
    assert OrgPledge.objects.filter(status="approved").count() >= 6
    assert Signature.objects.filter(status="confirmed").count() == 60
    signature = Signature.objects.first()
    assert signature.email_hash == email_hash(signature.email)
    assert OrgPledge.objects.first().proposed_organisation == {}
