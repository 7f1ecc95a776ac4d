"""Donors without cards (issue 15): Finance publishes offline ways to give in the staff area,
the donate pages show them with the reference to quote, with or without Stripe, and the
offline-gift form takes that reference to choose the campaign."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from donations import references, services
from donations.models import Donation, GivingMethod, GivingMethodTranslation
from tests.conftest import verified_login
from tests.donations.conftest import submission_key

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/donations/givingmethod/"
GIFT_ADD = "/staff/admin/donations/offlinegift/add/"
IBAN = "DE89370400440532013000"


def bank(**fields) -> GivingMethod:
    values = {
        "kind": GivingMethod.Kind.BANK_TRANSFER,
        "label": "Bank transfer in euros",
        "currency": "EUR",
        "account_holder": "Coalition e.V.",
        "account_number": IBAN,
        "bic": "COBADEFFXXX",
        "bank_name": "Commerzbank",
        **fields,
    }
    method = GivingMethod(**values)
    method.full_clean()
    method.save()
    return method


def mpesa(**fields) -> GivingMethod:
    return GivingMethod.objects.create(
        kind=GivingMethod.Kind.MOBILE_MONEY,
        label="M-Pesa",
        currency="KES",
        provider="M-Pesa",
        number="174379",
        country="KE",
        **fields,
    )


@pytest.mark.parametrize("stripe", [True, False])
def test_both_donate_pages_show_the_ways_to_give_and_the_reference(
    client, fundraiser, settings, stripe
):
    settings.STRIPE_SECRET_KEY = "sk_test_x" if stripe else ""
    bank(order=1)
    mpesa(order=2)
    for url, campaign in (("/c/fund/donate/", fundraiser), ("/donate/", None)):
        body = client.get(url).content.decode()
        code = references.reference_for(campaign)
        assert f'<code class="reference" id="giving-reference" dir="ltr" translate="no">{code}' in (
            body
        )
        assert "DE89 3704 0044 0532 0130 00" in body  # grouped as banks print it
        assert "COBADEFFXXX" in body
        assert "174379" in body
        assert body.index("Bank transfer in euros") < body.index("M-Pesa")
        assert "contact the finance task force through your coalition" not in body
        assert body.count("<h1") == 1
        assert ("Continue to secure payment" in body) == stripe


def test_without_ways_to_give_the_page_still_says_whom_to_ask(client, fundraiser):
    GivingMethod.objects.create(
        kind=GivingMethod.Kind.EMAIL,
        label="Hidden",
        email="finance@coalition.example",
        active=False,
    )
    body = client.get("/c/fund/donate/").content.decode()
    assert "contact the finance task force" in body
    assert "Hidden" not in body
    assert references.reference_for(fundraiser) in body


def test_ways_to_give_are_shown_in_the_page_language(client, fundraiser):
    method = bank(instructions="Free in the euro area.")
    GivingMethodTranslation.objects.create(
        method=method, language="ar", label="تحويل مصرفي باليورو", instructions=""
    )
    arabic = client.get("/ar/c/fund/donate/").content.decode()
    assert "تحويل مصرفي باليورو" in arabic
    assert "Free in the euro area." in arabic  # an empty translation falls back
    # IBANs and the reference read left to right inside the right-to-left page.
    assert '<html lang="ar" dir="rtl">' in arabic
    assert re.search(r'<code class="account-number" id="way-1-account" dir="ltr"', arabic)
    assert "Bank transfer in euros" in client.get("/es/c/fund/donate/").content.decode()


def test_donate_page_reads_the_ways_in_two_queries(client, fundraiser, django_assert_num_queries):
    for n in range(5):
        method = bank(label=f"Bank {n}", order=n)
        GivingMethodTranslation.objects.create(method=method, language="fr", label=f"Banque {n}")
    client.get("/fr/c/fund/donate/")  # warm the progress cache
    from donations.queries import ways_to_give

    with django_assert_num_queries(2):
        ways = ways_to_give("fr")
    assert [w.label for w in ways] == [f"Banque {n}" for n in range(5)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"account_number": "DE89370400440532013001"}, "account_number"),  # check digits
        ({"bic": "COBA"}, "bic"),
        ({"account_holder": ""}, "account_holder"),
        ({"currency": "ZZZ"}, "currency"),
    ],
)
def test_bank_details_are_checked(db, fields, field):
    with pytest.raises(ValidationError) as error:
        bank(**fields)
    assert field in error.value.message_dict


def test_the_database_refuses_a_way_to_give_without_its_details(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        GivingMethod.objects.create(kind=GivingMethod.Kind.MOBILE_MONEY, label="x", currency="KES")
    with pytest.raises(IntegrityError), transaction.atomic():
        GivingMethod.objects.create(kind=GivingMethod.Kind.EMAIL, label="x")


def test_a_plain_account_number_is_kept_as_typed(client, fundraiser):
    bank(account_number="0123456789", bic="", currency="USD", label="US account")
    body = client.get("/c/fund/donate/").content.decode()
    assert "0123456789" in body
    assert "Account number" in body


# --- Finance's staff pages ---------------------------------------------------------------


def test_finance_publishes_a_bank_account_typed_with_spaces(client, finance, fundraiser):
    verified_login(client, finance)
    response = client.post(
        f"{ADMIN}add/",
        {
            "kind": "bank_transfer",
            "label": "Bank transfer in euros",
            "currency": "eur",
            "account_holder": "Coalition e.V.",
            "account_number": "de89 3704 0044 0532 0130 00",
            "bic": "cobadeffxxx",
            "active": "on",
            "order": "0",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-0-language": "fr",
            "translations-0-label": "Virement en euros",
            "translations-0-instructions": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    method = GivingMethod.objects.get()
    assert (method.account_number, method.bic, method.currency) == (IBAN, "COBADEFFXXX", "EUR")
    assert method.translations.get().label == "Virement en euros"
    assert "Virement en euros" in client.get("/fr/c/fund/donate/").content.decode()


def test_a_mistyped_iban_is_refused_in_the_staff_form(client, finance):
    verified_login(client, finance)
    response = client.post(
        f"{ADMIN}add/",
        {
            "kind": "bank_transfer",
            "label": "Bank",
            "currency": "EUR",
            "account_holder": "Coalition e.V.",
            "account_number": "DE89 3704 0044 0532 0130 01",
            "order": "0",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "This IBAN is not valid" in response.content.decode()
    assert not GivingMethod.objects.exists()


@pytest.mark.parametrize(("persona", "can_write"), [("finance", True), ("comms", False)])
def test_only_finance_changes_the_ways_to_give(persona_client, persona, can_write):
    method = mpesa()
    client = persona_client(persona)
    page = client.get(f"{ADMIN}{method.pk}/change/")
    assert page.status_code == (200 if can_write else 403)
    # Nobody deletes one: Finance hides it, and the history of what donors were told stays.
    assert client.get(f"{ADMIN}{method.pk}/delete/").status_code == 403


# --- Recording the gift with the donor's reference ---------------------------------------


def test_the_reference_chooses_the_campaign_of_an_offline_gift(fundraiser, finance):
    gift = services.record_offline_gift(
        method=Donation.Method.BANK_TRANSFER,
        amount_minor=5000,
        currency="EUR",
        received_on=fundraiser.launched_at.date(),
        donor_reference=references.reference_for(fundraiser).lower(),
        by=finance,
    )
    assert gift.campaign == fundraiser
    general = services.record_offline_gift(
        method=Donation.Method.CASH,
        amount_minor=5000,
        currency="EUR",
        received_on=fundraiser.launched_at.date(),
        donor_reference=references.reference_for(None),
        by=finance,
    )
    assert general.campaign is None


@pytest.mark.parametrize("mismatch", ["typo", "other campaign"])
def test_a_reference_that_does_not_fit_records_nothing(fundraiser, finance, mismatch):
    code = references.reference_for(fundraiser)
    if mismatch == "typo":
        quoted, campaign = code[:-1] + ("A" if code[-1] != "A" else "B"), None
    else:
        quoted, campaign = references.reference_for(None), fundraiser
    with pytest.raises(ValidationError) as error:
        services.record_offline_gift(
            method=Donation.Method.BANK_TRANSFER,
            amount_minor=5000,
            currency="EUR",
            received_on=fundraiser.launched_at.date(),
            campaign=campaign,
            donor_reference=quoted,
            by=finance,
        )
    assert "donor_reference" in error.value.message_dict
    assert not Donation.objects.exists()


def test_finance_records_a_shilling_gift_from_the_paybill_with_its_reference(
    client, finance, fundraiser
):
    mpesa()
    verified_login(client, finance)
    form = client.get(GIFT_ADD)
    assert 'value="KES"' in form.content.decode()  # published ways bring their currency
    response = client.post(
        GIFT_ADD,
        {
            "method": "mobile_money",
            "amount": "1500",
            "currency": "KES",
            "received_on": "2026-11-03",
            "offline_reference": "QKT1ABC2DE",
            "donor_reference": references.reference_for(fundraiser).replace("-", " "),
            "language": "en",
            "submission_key": submission_key(form),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    gift = Donation.objects.get()
    assert (gift.campaign, gift.amount_minor, gift.currency) == (fundraiser, 150000, "KES")


def test_the_staff_form_says_when_a_reference_is_not_ours(client, finance, fundraiser):
    verified_login(client, finance)
    form = client.get(GIFT_ADD)
    response = client.post(
        GIFT_ADD,
        {
            "method": "bank_transfer",
            "amount": "10",
            "currency": "EUR",
            "received_on": "2026-11-03",
            "donor_reference": "FUND-0000",
            "language": "en",
            "submission_key": submission_key(form),
        },
    )
    assert response.status_code == 200
    assert "This is not one of our references" in response.content.decode()
    assert not Donation.objects.exists()


def test_the_demo_publishes_a_euro_account_a_paybill_and_a_mailbox(db):
    for _ in range(2):
        call_command("load_demo", "--password", "demo-pass-123", stdout=io.StringIO())
    kinds = dict(GivingMethod.objects.values_list("kind", "currency"))
    assert kinds == {"bank_transfer": "EUR", "mobile_money": "KES", "email": ""}
    for method in GivingMethod.objects.all():
        method.full_clean()  # the demo IBAN's check digits are right
