"""Moving models between apps keeps every row, foreign key, content type and permission.

The restructure moved BDS commitments out of `pledges`, partners and webhooks out of
`campaigns` and `api`, and the audit log out of `campaigns`. Rows are made through our own
services at the current head, the database is migrated back to the old layout (the tables
carry their old names again) and forward to the new one; everything must still be there.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tasks_db.models import DBTaskResult

from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate
from lib.mailboxes import email_hash as email_hash_of
from partners import services as partner_services
from partners.events import emit
from partners.models import (
    EventType,
    Partner,
    PartnerToken,
    ReachedGoal,
    WebhookDelivery,
    WebhookSubscription,
)
from pledges import services as pledge_services
from pledges.models import PledgeEmail, Signature
from staff import audit
from staff.models import AuditEvent
from staff.roles import COMMUNICATIONS, MODERATORS
from tests.commitments.helpers import approved_pledge, boycott, contact_update, create_drive
from tests.conftest import create_campaign
from tests.pledges.conftest import org_data, signature_data

# The last migration of each app before the restructure; apps born in it go back to zero.
OLD_HEAD = [
    ("campaigns", "0004_partners"),
    ("pledges", "0005_signature_partner_attribution"),
    ("donations", "0003_donation_partner_attribution"),
    ("api", "0002_staff_permissions"),
    ("partners", None),
    ("commitments", None),
    ("staff", None),
]
OLD_TABLES = [
    "campaigns_partner",
    "campaigns_partnertoken",
    "campaigns_partner_campaigns",
    "campaigns_auditevent",
    "api_webhooksubscription",
    "api_webhookdelivery",
    "api_reachedgoal",
    "pledges_commitmentpledge",
    "pledges_commitment",
    "pledges_commitmentupdate",
]
MOVED = [Partner, PartnerToken, WebhookSubscription, WebhookDelivery, ReachedGoal, AuditEvent]
MOVED += [CommitmentPledge, Commitment, CommitmentUpdate]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == "head":
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _snapshot() -> dict:
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True)) for model in MOVED
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moved_models_keep_rows_keys_and_permissions_back_and_forth(django_user_model):
    campaign = create_campaign(slug="statement")
    partner = Partner.objects.create(name="Ally", ref="ally")
    partner.campaigns.add(campaign)
    token, _raw = partner_services.issue_token(partner, name="site", scopes=["stats:read"])
    subscription = partner_services.subscribe_webhook(
        partner, url="https://hooks.example.org/in", events=[EventType.GOAL_REACHED]
    )
    emit(EventType.GOAL_REACHED, {"figure": "signatures"}, campaign=campaign)
    ReachedGoal.objects.create(campaign=campaign, figure="signatures", goal=10)
    signature = pledge_services.sign(campaign, signature_data(), partner=partner).signature
    drive = create_drive()
    pledge = approved_pledge(drive, boycott())
    commitment = pledge.commitments.get()
    contact_update(commitment, Commitment.Status.IN_PROGRESS, note="Half way")
    audit.record("campaign.publish", actor=None, target=campaign)
    before = _snapshot()
    assert all(before.values()), before
    queued = DBTaskResult.objects.filter(task_path="partners.deliveries.deliver_webhook")
    assert queued.exists()
    pledge_emails = PledgeEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(CommitmentPledge)
    ).count()
    assert pledge_emails
    moderators = set(Group.objects.get(name=MODERATORS).permissions.values_list("pk", flat=True))
    communications = set(
        Group.objects.get(name=COMMUNICATIONS).permissions.values_list("pk", flat=True)
    )

    _migrate(OLD_HEAD)
    tables = _tables()
    assert set(OLD_TABLES) <= tables
    assert not {"partners_partner", "commitments_commitment", "staff_auditevent"} & tables
    assert ContentType.objects.filter(app_label="pledges", model="commitmentpledge").exists()
    assert DBTaskResult.objects.filter(task_path="api.tasks.deliver_webhook").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pledges_commitmentupdate")
        assert cursor.fetchone()[0] == len(before["commitments.CommitmentUpdate"])

    _migrate("head")
    ContentType.objects.clear_cache()
    assert not set(OLD_TABLES) & _tables()
    assert _snapshot() == before
    # Foreign keys across the moved tables still resolve.
    assert Signature.objects.get(pk=signature.pk).partner == partner
    assert list(Partner.objects.get(pk=partner.pk).campaigns.all()) == [campaign]
    assert PartnerToken.objects.get(pk=token.pk).partner == partner
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.payload["data"] == {"figure": "signatures"}
    assert CommitmentUpdate.objects.get(commitment=commitment).note == "Half way"
    assert Commitment.objects.get(pk=commitment.pk).pledge.organisation == pledge.organisation
    # Generic relations and queued tasks follow the content types and task paths.
    moved_type = ContentType.objects.get_for_model(CommitmentPledge)
    assert moved_type.app_label == "commitments"
    assert PledgeEmail.objects.filter(content_type=moved_type).count() == pledge_emails
    assert queued.exists()
    assert not ContentType.objects.filter(app_label="api").exists()
    # Group grants are the same permission rows, now under the new apps.
    assert set(Group.objects.get(name=MODERATORS).permissions.values_list("pk", flat=True)) == (
        moderators
    )
    assert set(Group.objects.get(name=COMMUNICATIONS).permissions.values_list("pk", flat=True)) == (
        communications
    )
    moderate = Permission.objects.get(codename="moderate_commitmentpledge")
    assert moderate.content_type.app_label == "commitments"
    assert Group.objects.get(name=MODERATORS).permissions.filter(pk=moderate.pk).exists()
    assert Permission.objects.get(codename="add_partnertoken").content_type.app_label == (
        "partners"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mailbox_hashes_keep_every_existing_alias_and_flag_the_extra_ones():
    campaign = create_campaign(slug="aliases")
    executor = MigrationExecutor(connection)
    before = [("pledges", "0006_commitments_moved_out")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("pledges", "Signature")
    rows = {
        email: old.objects.create(
            campaign_id=campaign.pk,
            name="Amina",
            email=email,
            country="KE",
            language="en",
            status=status,
            confirmed_at=campaign.created_at if status == "confirmed" else None,
        ).pk
        for email, status in [
            ("amina.yusuf@gmail.com", "pending"),
            ("aminayusuf+x@googlemail.com", "confirmed"),
            ("kofi@example.org", "pending"),
        ]
    }
    _migrate("head")
    assert Signature.objects.filter(campaign=campaign).count() == 3
    kept = Signature.objects.get(pk=rows["aminayusuf+x@googlemail.com"])  # confirmed wins
    flagged = Signature.objects.get(pk=rows["amina.yusuf@gmail.com"])
    assert (kept.alias_duplicate, flagged.alias_duplicate) == (False, True)
    assert kept.email_hash == flagged.email_hash != ""
    assert not Signature.objects.get(pk=rows["kofi@example.org"]).alias_duplicate
    assert flagged.email == "amina.yusuf@gmail.com"  # what was typed is kept


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_contacts_are_found_by_mailbox_after_the_hash_migration():
    from pledges.models import OrgPledge

    campaign = create_campaign(slug="contacts")
    pledge = pledge_services.sign_on(
        campaign,
        org_data(contact_email="Luz.Perez+orgs@gmail.com"),
    ).pledge
    executor = MigrationExecutor(connection)
    executor.migrate([("pledges", "0009_organisation_on_confirmation")])
    _migrate("head")
    row = OrgPledge.objects.get(pk=pledge.pk)
    assert row.contact_email == "luz.perez+orgs@gmail.com"
    assert row.contact_email_hash == email_hash_of("luzperez@googlemail.com")
