"""The target list's history migration on PostgreSQL, with data: existing targets get an
initial "added" change dated from their creation (the admin log's addition when there is
one, else their first campaign), the default category, and the staff permissions; and back."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from campaigns.models import Target, TargetChange
from staff.roles import COMMUNICATIONS, MODERATORS
from tests.conftest import create_campaign

BEFORE = [("campaigns", "0010_translators_group")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_targets_get_their_first_dated_change_and_back(django_user_model):
    campaign = create_campaign("drive", kind="bds")
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldTarget = old.get_model("campaigns", "Target")
    logged = OldTarget.objects.create(name="Meta", slug="meta")
    listed = OldTarget.objects.create(name="Amazon", slug="amazon")
    old.get_model("campaigns", "Campaign").objects.get(pk=campaign.pk).targets.add(listed)
    bare = OldTarget.objects.create(name="Apple", slug="apple")
    added_at = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    content_type = ContentType.objects.get(app_label="campaigns", model="target")
    user = django_user_model.objects.create_user(username="old-comms")
    LogEntry.objects.create(
        action_time=added_at,
        user_id=user.pk,
        content_type_id=content_type.pk,
        object_id=str(logged.pk),
        object_repr="Meta",
        action_flag=1,
    )
    started = timezone.now()

    _migrate("head")

    changes = {c.target.slug: c for c in TargetChange.objects.select_related("target")}
    assert set(changes) == {"meta", "amazon", "apple"}
    assert all(c.kind == "added" and c.initial and c.reason == "" for c in changes.values())
    assert changes["meta"].changed_at == added_at
    assert changes["amazon"].changed_at == campaign.created_at
    assert changes["apple"].changed_at >= started - timedelta(seconds=1)
    assert {t.category for t in Target.objects.all()} == {"pressure"}
    assert {t.status for t in Target.objects.all()} == {"listed"}
    assert (
        Group.objects.get(name=MODERATORS)
        .permissions.filter(codename="moderate_targetreply")
        .exists()
    )
    assert (
        Group.objects.get(name=COMMUNICATIONS)
        .permissions.filter(codename="add_targetreply")
        .exists()
    )

    _migrate(BEFORE)  # reversible: the history goes, the targets stay
    assert OldTarget.objects.filter(pk__in=[logged.pk, listed.pk, bare.pk]).count() == 3
    _migrate("head")
    assert TargetChange.objects.filter(initial=True).count() == 3
