"""A copy of the database reveals nobody: after a realistic day (signatures pending, confirmed
with and without updates, an organisation's sign-on, a Stripe gift, an offline gift, a
personal-data request, an erasure) and the days after it, a `pg_dump` of the whole database,
a search of every column of every table, the queued tasks, the sessions and every stored
file hold none of the people's email addresses and none of the names that are not listed
publicly, in plain text. Listed names may appear: they are public.

The addresses still owed an email (pending signers, update subscribers) are stored, but only
encrypted; the others are blanked after `EMAIL_RETENTION_DAYS`, their keyed hash staying so
that signing again still gets the "already signed" answer at the address just typed.
"""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from api.tasks import regenerate_open_data
from campaigns.models import Campaign
from donations.models import Donation
from lib.encryption import is_token
from lib.mailboxes import canonical_email, email_hash, normalise_email
from lib.personal_data import forget_spent_addresses
from partners import services as partner_services
from partners.models import Partner, WebhookDelivery
from pledges import services
from pledges.models import OrgPledge, Signature
from tests.conftest import create_campaign, run_tasks, take_signatures, verified_login
from tests.donations.conftest import submission_key
from tests.donations.stripe_events import post_event, session_completed
from tests.pledges.conftest import last_email_to, link_to, signature_data
from tests.quality.dump import (
    columns_containing,
    dump_lines_containing,
    pg_dump,
    pg_dump_binary,
    stored_files,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The people of the day: the address each typed and their name.
# Distinctive names, so a hit is never a coincidence.
PENDING = ("Pia.Pendingperson@Day-Signers.example", "Pia Pendingperson")
UNLISTED = ("Uma.Unlistedperson@Day-Signers.example", "Uma Unlistedperson")
UPDATES = ("Lars.Listedperson+news@gmail.com", "Lars Listedperson")  # listed, wants updates
LISTED = ("lina.listedtoo@day-signers.example", "Lina Listedtoo")
CONTACT = ("carmen.contactperson@red-day.example", "Carmen Contactperson")
DONOR = ("Dario.Donorperson@Give-Day.example", "Dario Donorperson")
OFFLINE = ("olga.offlinegiver@bank-day.example", "Olga Offlinegiver")
ERASED = ("erin.erasedperson@gmail.com", "Erin Erasedperson")  # listed, then erased
EVERYONE = [PENDING, UNLISTED, UPDATES, LISTED, CONTACT, DONOR, OFFLINE, ERASED]
PUBLIC_NAMES = [UPDATES[1], LISTED[1]]
PRIVATE_NAMES = [name for _, name in EVERYONE if name not in PUBLIC_NAMES]

SIGN = {"country": "KE", "affiliation": "", "language": "en", "hp_contact": ""}
QUEUE = "/staff/admin/pledges/orgpledge/"
OFFLINE_ADD = "/staff/admin/donations/offlinegift/add/"


def address_forms(typed: str) -> list[str]:
    """Every way an address could be written down: as typed, as stored, as compared,
    inside a URL."""
    forms = {normalise_email(typed), canonical_email(typed)}  # searches ignore case
    return sorted(forms | {form.replace("@", "%40") for form in forms})


def needles() -> list[str]:
    found = [form for typed, _ in EVERYONE for form in address_forms(typed)]
    return [*found, *PRIVATE_NAMES, email_hash(ERASED[0])]


def logo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 300), (10, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def sign_on_the_page(client, person, *, listed: bool, updates: bool = False, ref: str = ""):
    email, name = person
    data = {**SIGN, "name": name, "email": email}
    if listed:
        data["show_publicly"] = "on"
    if updates:
        data["updates_consent"] = "on"
    if ref:  # came through the partner's link: its code rides along in a hidden field
        data.update(ref=ref, share_with_partner="on")
    assert client.post("/c/refuse/sign/", data).status_code == 302
    take_signatures()


def confirm_from_the_email(client, person) -> None:
    message = last_email_to(normalise_email(person[0]))
    assert client.post(link_to(message, "/confirm/")).status_code == 200


def a_realistic_day(client, moderator, finance, receiver) -> None:
    create_campaign("refuse", signature_goal=1000, organisation_goal=50)
    create_campaign(
        "fund",
        kind=Campaign.Kind.FUNDRAISER,
        fundraising_goal_minor=100_000,
        fundraising_currency="EUR",
    )
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner_services.subscribe_webhook(partner, url=receiver.url, events=["signature.confirmed"])
    campaign = Campaign.objects.get(slug="refuse")

    # Signers on the public form: one never confirms, the others do.
    sign_on_the_page(client, PENDING, listed=False)
    sign_on_the_page(client, UNLISTED, listed=False)
    confirm_from_the_email(client, UNLISTED)
    sign_on_the_page(client, UPDATES, listed=True, updates=True, ref="allies")
    confirm_from_the_email(client, UPDATES)  # shared with the partner: a webhook goes out
    result = services.sign(campaign, signature_data(email=LISTED[0], name=LISTED[1]))
    services.confirm_signature(result.signature.pk)

    # An organisation signs on with its logo; the contact confirms, a moderator approves.
    response = client.post(
        "/c/refuse/organisations/sign/",
        {
            "name": "Red Comunitaria del Día",
            "kind": "community_network",
            "country": "MX",
            "website": "https://red-day.example/",
            "contact_name": CONTACT[1],
            "contact_email": CONTACT[0],
            "contact_language": "es",
            "hp_contact": "",
            "logo": logo(),
        },
    )
    assert response.status_code == 302
    message = last_email_to(CONTACT[0])
    assert client.post(link_to(message, "/confirm-contact/")).status_code == 200
    staff = verified_login(Client(), moderator)
    pledge = OrgPledge.objects.get()
    staff.post(QUEUE, {"action": "approve", "_selected_action": [pledge.pk]})
    assert OrgPledge.objects.get().status == OrgPledge.Status.APPROVED

    # A gift through Stripe Checkout; Stripe's event names the donor again.
    response = client.post(
        "/c/fund/donate/",
        {
            "amount": "custom",
            "custom_amount": "25",
            "currency": "EUR",
            "frequency": "once",
            "donor_name": DONOR[1],
            "email": DONOR[0],
            "message": "",
        },
    )
    assert response.status_code == 303
    donation = Donation.objects.get(method=Donation.Method.CARD)
    event = json.loads(session_completed(donation))
    event["data"]["object"]["customer_details"].update(email=DONOR[0].lower(), name=DONOR[1])
    assert post_event(client, json.dumps(event)).status_code == 200

    # Finance records a bank transfer on the staff form.
    books = verified_login(Client(), finance)
    gift = {
        "method": "bank_transfer",
        "amount": "120.50",
        "currency": "EUR",
        "received_on": timezone.localdate().isoformat(),
        "offline_reference": "SEPA-DAY-1",
        "donor_name": OFFLINE[1],
        "email": OFFLINE[0],
        "language": "en",
        "submission_key": submission_key(books.get(OFFLINE_ADD)),
    }
    assert books.post(OFFLINE_ADD, gift).status_code == 302

    # A subscriber looks at what is held about them.
    client.post("/my-data/", {"email": UPDATES[0], "language": "en"})
    page = client.get(link_to(last_email_to(normalise_email(UPDATES[0])), "/my-data/"))
    assert page.status_code == 200 and UPDATES[1] in page.content.decode()

    # Someone signs, is listed, then erases everything.
    result = services.sign(campaign, signature_data(email=ERASED[0], name=ERASED[1]))
    services.confirm_signature(result.signature.pk)
    client.post("/my-data/", {"email": ERASED[0], "language": "en"})
    erase = link_to(last_email_to(ERASED[0]), "/erase/")
    assert client.post(erase).status_code == 200
    assert not Signature.objects.filter(email_hash=email_hash(ERASED[0])).exists()

    regenerate_open_data.enqueue()
    run_tasks()  # every email of the day goes out, the webhook too, the open data is written


def _assert_the_day_sent_what_it_owed() -> None:
    sent_to = {address for message in mail.outbox for address in message.to}
    for typed, _name in [PENDING, UNLISTED, UPDATES, CONTACT, DONOR, OFFLINE]:
        assert normalise_email(typed) in sent_to, typed
    assert Donation.objects.filter(receipt_sent_at__isnull=False).count() == 2
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED


def test_a_dump_of_the_database_after_the_day_shows_nobody(
    client, moderator, finance, receiver, stripe_api, no_rate_limits
):
    a_realistic_day(client, moderator, finance, receiver)
    _assert_the_day_sent_what_it_owed()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=True):
        forgotten = forget_spent_addresses()
        # Two signers and a contact, two donors (and whatever other apps forget).
        assert (forgotten["pledges"], forgotten["donations"]) == (3, 2), forgotten
        # Signing again still says "already signed", at the address just typed.
        sign_on_the_page(client, UNLISTED, listed=False)
        run_tasks()
    (answer,) = mail.outbox
    assert answer.to == [normalise_email(UNLISTED[0])]
    assert "already signed" in answer.subject

    _assert_only_owed_addresses_are_kept()
    hunted = needles()

    # Every column of every table (and on PostgreSQL, the dump the real tool makes).
    hits = columns_containing([*hunted, *PUBLIC_NAMES])
    for needle in hunted:
        assert hits[needle] == [], (needle, hits[needle])
    for name in PUBLIC_NAMES:
        assert hits[name] == ["pledges_signature.listed_name"], (name, hits[name])
    if connection.vendor == "postgresql":
        assert pg_dump_binary(), "pg_dump is needed on PostgreSQL (postgresql-client)"
        dump = pg_dump()
        # The dump holds the day (committed data): the public names, the kept hashes.
        assert "COPY public.pledges_signature " in dump
        assert UPDATES[1] in dump and email_hash(UNLISTED[0]) in dump
        lowered = dump.lower()
        for needle in hunted:
            assert needle.lower() not in lowered, dump_lines_containing(dump, needle)

    # The task queue, explicitly (arguments, results, errors), and the sessions, decoded.
    tasks = [
        json.dumps([task.args_kwargs, task.return_value, task.exception_class_path, task.traceback])
        for task in DBTaskResult.objects.all()
    ]
    assert tasks
    sessions = [json.dumps(session.get_decoded()) for session in Session.objects.all()]
    # Every stored file: logos and the open data.
    files = stored_files(default_storage)
    assert any(name.startswith("logos/") for name in files), sorted(files)
    assert any(name.startswith("open-data/") for name in files), sorted(files)
    for needle in hunted:
        lowered = needle.lower()
        assert not [task for task in tasks if lowered in task.lower()], needle
        assert not [session for session in sessions if lowered in session.lower()], needle
        for name, content in files.items():
            assert lowered.encode() not in content.lower(), (needle, name)


def _assert_only_owed_addresses_are_kept() -> None:
    """Eight days on: addresses still owed an email are kept (encrypted), the others are
    blank; every keyed hash stays."""
    by_person = {
        person: Signature.objects.get(email_hash=email_hash(person[0]))
        for person in [PENDING, UNLISTED, UPDATES, LISTED]
    }
    assert by_person[PENDING].email == normalise_email(PENDING[0])  # reminders are owed
    assert by_person[UPDATES].email == normalise_email(UPDATES[0])  # updates are owed
    with connection.cursor() as cursor:
        cursor.execute("SELECT email_hash, email, name FROM pledges_signature")
        stored = {hashed: (email, name) for hashed, email, name in cursor.fetchall()}
    for person in [PENDING, UPDATES]:  # kept, but only as tokens
        assert all(is_token(value) for value in stored[email_hash(person[0])]), person
    # The others are blank, found by their keyed hash only.
    assert by_person[UNLISTED].email == "" and by_person[LISTED].email == ""
    assert stored[email_hash(UNLISTED[0])][0] == stored[email_hash(LISTED[0])][0] == ""
    assert by_person[UNLISTED].name == UNLISTED[1]  # names stay, encrypted
    contact = OrgPledge.objects.get()
    assert contact.contact_email == "" and contact.contact_name == CONTACT[1]
    assert contact.contact_email_hash == email_hash(CONTACT[0])
    for typed, name in [DONOR, OFFLINE]:
        gift = Donation.objects.get(email_hash=email_hash(typed))
        assert gift.email == "" and gift.donor_name == name
    assert settings.EMAIL_RETENTION_DAYS < 8
