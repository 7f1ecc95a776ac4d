""" "Erase my data" reaches every copy: a search of every column of every table afterwards
finds neither the address (as typed, or any alias of the mailbox), nor its keyed hash, nor
the person's name; and no webhook still waiting carries them to a partner."""

import json

import pytest
from django.core import mail
from django.db import connection

from lib.mailboxes import canonical_email, email_hash
from partners import services as partner_services
from partners.models import Partner, WebhookDelivery
from pledges import services
from tests.conftest import create_campaign, run_tasks
from tests.donations.conftest import pending_donation
from tests.donations.stripe_events import WEBHOOK_SECRET, build_event, post_event
from tests.pledges.conftest import link_to, org_data, signature_data

pytestmark = pytest.mark.django_db

TYPED = "Zainab.Quarshie+refuse@gmail.com"
ALIAS = "zainabquarshie@googlemail.com"
NAME = "Zainab Quarshie"


def every_column_containing(needle: str) -> list[str]:
    """`table.column` for every value that contains `needle`, case-insensitively."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT count(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
                    f"WHERE lower(CAST({name} AS TEXT)) LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    return hits


def test_erasure_leaves_no_copy_anywhere(client, receiver, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_erasure"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    first = create_campaign("first")
    second = create_campaign("second")
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner_services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    data = signature_data(email=TYPED, name=NAME, shared_with_partner=True)
    signed = services.sign(first, data, partner=partner).signature
    services.confirm_signature(signed.pk)  # queues a delivery carrying name and email
    services.sign(second, signature_data(email=ALIAS, name=NAME))
    services.sign_on(first, org_data(contact_email=ALIAS.lower(), contact_name=NAME))
    donation = pending_donation(email=ALIAS, donor_name=NAME)
    event = json.loads(
        build_event(
            "checkout.session.completed.payment",
            event_id="evt_erasure",
            type="checkout.session.completed",
            session_id=f"cs_test_{donation.pk}",
            amount=donation.amount_minor,
            currency="eur",
            donation_id=donation.pk,
            reference=donation.reference,
            payment_intent=f"pi_{donation.pk}",
            payment_status="paid",
        )
    )
    event["data"]["object"]["customer_details"].update(email=ALIAS, name=NAME)
    assert post_event(client, json.dumps(event)).status_code == 200
    assert WebhookDelivery.objects.filter(status="pending").exists()
    # Before the erasure: addresses are encrypted at rest, so only their keyed hash and the
    # name as listed publicly (the signer chose to be listed) can be found.
    assert every_column_containing(email_hash(TYPED))
    assert every_column_containing(NAME) == ["pledges_signature.listed_name"]
    for needle in (TYPED, ALIAS, canonical_email(TYPED)):
        assert every_column_containing(needle) == [], needle

    client.post("/my-data/", {"email": ALIAS, "language": "en"})
    run_tasks_without_webhooks()
    (message,) = [m for m in mail.outbox if "/erase/" in m.body]
    path = link_to(message, "/erase/")
    assert client.post(path).status_code == 200
    mail.outbox.clear()
    run_tasks()  # whatever was still queued runs now

    for needle in (TYPED, ALIAS, canonical_email(TYPED), email_hash(TYPED), NAME):
        assert every_column_containing(needle) == [], needle
    sent = b"".join(body for _headers, body in receiver.requests)
    assert TYPED.lower().encode() not in sent.lower() and NAME.encode() not in sent
    assert mail.outbox == []


def run_tasks_without_webhooks():
    """Send the emails (the data link) but hold the partner delivery back, as a slow worker
    would: erasure must still stop it."""
    from django_tasks_db.models import DBTaskResult

    held = list(
        DBTaskResult.objects.filter(task_path="partners.deliveries.deliver_webhook").values_list(
            "pk", flat=True
        )
    )
    DBTaskResult.objects.filter(pk__in=held).update(status="FAILED")
    run_tasks()
    DBTaskResult.objects.filter(pk__in=held).update(status="READY")
