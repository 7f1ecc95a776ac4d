"""pledges.services.sign_by_phone: counted at once, one signature per number and campaign
across USSD and SMS, rate limits by the number's keyed hash, never the number stored."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from campaigns import counters
from campaigns import services as campaign_services
from lib.hashing import keyed_hash
from pledges import exports, phone, services
from pledges.models import PledgeEmail, Signature, SmsReply
from tests.conftest import create_campaign
from tests.pledges.conftest import sign, signed_and_confirmed
from tests.pledges.phone_payloads import AMINA, KOFI

pytestmark = pytest.mark.django_db
USSD, SMS, WEB = Signature.Channel.USSD, Signature.Channel.SMS, Signature.Channel.WEB


def by_phone(campaign, number=AMINA, *, channel=USSD, name="Amina Yusuf", **extra):
    extra.setdefault("country", "KE")
    extra.setdefault("language", "en")
    return services.sign_by_phone(campaign, phone=number, name=name, channel=channel, **extra)


def test_a_phone_signature_counts_at_once_without_an_email(campaign):
    result = by_phone(campaign, show_publicly=True)
    signature = Signature.objects.get()
    assert result.outcome == "new"
    assert signature.status == Signature.Status.CONFIRMED and signature.confirmed_at
    assert signature.channel == USSD
    assert signature.email == "" and signature.email_hash == ""
    assert signature.phone_hash == keyed_hash("+254711000111", purpose="phone")
    assert signature.listed_name == "Amina Yusuf"
    assert counters.total(campaign.pk, "signatures") == 1
    assert counters.by_country(campaign.pk, "signatures") == {"KE": 1}
    assert not PledgeEmail.objects.exists()  # nothing to confirm by email


def test_the_number_is_stored_nowhere_in_the_row(campaign):
    by_phone(campaign, "+254 711-000 111", channel=SMS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM pledges_signature")
        row = cursor.fetchone()
    assert not any("711000111" in str(value) for value in row)


def test_unlisted_unless_chosen(campaign):
    by_phone(campaign)
    assert Signature.objects.get().listed_name == ""


def test_the_same_number_by_ussd_then_sms_is_one_signature(campaign):
    first = by_phone(campaign, channel=USSD)
    again = by_phone(campaign, "00254711000111", channel=SMS, name="Amina Y.")
    assert (first.outcome, again.outcome) == ("new", "already-signed")
    assert again.signature.pk == first.signature.pk
    assert Signature.objects.count() == 1
    assert counters.total(campaign.pk, "signatures") == 1


def test_a_web_signer_and_a_phone_signer_are_two_people(campaign):
    signed_and_confirmed(campaign, email="amina@example.org")
    by_phone(campaign)
    by_phone(campaign, KOFI, name="Kofi")
    assert Signature.objects.count() == 3
    assert sorted(Signature.objects.values_list("channel", flat=True)) == [USSD, USSD, WEB]
    assert counters.total(campaign.pk, "signatures") == 3


def test_one_number_signs_each_campaign_once(campaign):
    other = create_campaign("second")
    by_phone(campaign)
    assert by_phone(other).outcome == "new"
    assert Signature.objects.count() == 2


def test_over_the_numbers_rate_limit_a_signature_is_held_and_release_counts_it(
    campaign, settings, moderator
):
    settings.PLEDGE_RATE_LIMITS = {"phone": (2, 3600)}
    by_phone(campaign)  # 1
    by_phone(campaign)  # 2: a repeat
    other = create_campaign("other")
    held = by_phone(other)  # 3: over the limit
    assert held.outcome == "suspect"
    assert held.signature.status == Signature.Status.SUSPECT
    assert held.signature.listed_name == ""
    assert counters.total(other.pk, "signatures") == 0
    # Another number is not limited by this one's attempts.
    assert by_phone(other, KOFI).outcome == "new"
    services.release_suspect(held.signature, by=moderator)
    released = Signature.objects.get(pk=held.signature.pk)
    assert released.status == Signature.Status.CONFIRMED and released.confirmed_at
    assert counters.total(other.pk, "signatures") == 2
    assert not PledgeEmail.objects.exists()


def test_a_withdrawn_phone_signature_signs_again(campaign):
    first = by_phone(campaign)
    services.withdraw_signature(first.signature.pk)
    assert counters.total(campaign.pk, "signatures") == 0
    again = by_phone(campaign, show_publicly=True, name="Amina")
    assert again.outcome == "new"
    assert again.signature.status == Signature.Status.CONFIRMED
    assert again.signature.listed_name == "Amina"
    assert counters.total(campaign.pk, "signatures") == 1


def test_a_closed_campaign_takes_no_phone_signature(campaign):
    campaign = campaign_services.close(campaign, by=None)
    with pytest.raises(services.CampaignNotOpen):
        by_phone(campaign)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_name_is_needed(campaign, name):
    with pytest.raises(ValidationError):
        by_phone(campaign, name=name)


def test_a_bad_number_or_a_web_channel_is_refused(campaign):
    with pytest.raises(phone.InvalidPhone):
        by_phone(campaign, "0711000111")
    with pytest.raises(ValueError):
        by_phone(campaign, channel=WEB)


def test_by_sms_the_reply_is_queued_with_the_signature_and_rolls_back_with_it(campaign):
    with pytest.raises(RuntimeError), transaction.atomic():
        by_phone(campaign, channel=SMS)
        raise RuntimeError
    assert not Signature.objects.exists()
    assert not SmsReply.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="send_sms_reply").exists()
    by_phone(campaign, channel=SMS)
    reply = SmsReply.objects.get()
    assert reply.kind == SmsReply.Kind.SIGNED and reply.phone == AMINA
    assert DBTaskResult.objects.filter(task_path__endswith="send_sms_reply").count() == 1


def test_the_web_sign_path_keeps_its_email_dedupe(campaign):
    sign(campaign, email="kofi@example.org")
    by_phone(campaign)
    assert sign(campaign, email="KOFI@example.org").outcome == "resent"
    assert Signature.objects.get(channel=WEB).email_hash != ""


def test_the_export_names_the_channel_and_no_number(campaign):
    signed_and_confirmed(campaign, email="web@example.org")
    by_phone(campaign, show_publicly=True)
    for personal in (False, True):
        columns, rows = exports.signature_rows(exports.ExportFilters(), personal=personal)
        text = "".join(exports.csv_stream(columns, rows))
        table = list(csv.DictReader(io.StringIO(text)))
        assert sorted(row["channel"] for row in table) == ["ussd", "web"]
        assert "711000111" not in text
        phone_row = next(row for row in table if row["channel"] == "ussd")
        assert phone_row["email"] == ""


def test_the_country_of_a_number():
    assert phone.country_of("+254711000111") == "KE"
    assert phone.country_of("+27821234567") == "ZA"
    assert phone.country_of("+201001234567") == "EG"
    assert phone.country_of("+12025550123") == ""  # +1 is many countries


@pytest.mark.parametrize(
    "raw", ["+254711000111", " +254 711 000 111 ", "00254711000111", "+254-711-(000)-111"]
)
def test_numbers_are_normalised_before_hashing(raw):
    assert phone.normalise_phone(raw) == "+254711000111"
    assert phone.phone_hash(raw) == phone.phone_hash("+254711000111")


@pytest.mark.parametrize(
    "raw", ["", "0711000111", "+0711", "+2547110001112345678", "+٢٥٤٧١١٠٠٠١١١"]
)
def test_what_is_not_a_number(raw):
    with pytest.raises(phone.InvalidPhone):
        phone.normalise_phone(raw)
