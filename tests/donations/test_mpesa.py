"""M-Pesa gifts: the STK push, Daraja's (unsigned) callback and the platform's own query.

Every Daraja call is intercepted by `responses` with the documented payload shapes; state is
built through our services and the task worker runs for real (tests/conftest.py `run_tasks`).
"""

import base64
import json
from datetime import timedelta

import pytest
import responses
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns.progress import campaign_progress
from donations import services
from donations.models import Donation, MpesaCallback
from donations.progress import counted
from donations.queries import open_books
from tests.conftest import run_tasks, stored
from tests.donations import mpesa_payloads as daraja

pytestmark = pytest.mark.django_db

CHECKOUT = "ws_CO_011220261030001234"
Status = Donation.Status


def give(campaign, *, amount_shillings=500, phone="0711 000 000", **extra) -> Donation:
    return services.begin_mpesa_payment(
        campaign,
        services.MpesaGiftDetails(amount_minor=amount_shillings * 100, phone=phone, **extra),
    )


@pytest.fixture
def pushed(mpesa_keys, kes_fundraiser):
    """A gift whose STK push Daraja accepted: pending, nothing counted."""
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        donation = give(kes_fundraiser, email="amina@example.org")
    return donation


def later(seconds=120):
    """Past the first check's run_after (and each retry's backoff)."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def pending_tasks(name: str) -> int:
    return DBTaskResult.objects.filter(task_path__endswith=name, status="READY").count()


# --- The STK push ---------------------------------------------------------------------


def test_stk_push_sends_the_documented_request_and_stores_a_pending_gift(
    mpesa_keys, kes_fundraiser
):
    with responses.RequestsMock() as rsps:
        token = daraja.token(rsps)
        push = daraja.push_accepted(rsps, CHECKOUT)
        with time_machine.travel("2026-12-01 07:30:00+00:00", tick=False):
            donation = give(kes_fundraiser, amount_shillings=1500, phone="+254 711 000 000")
    # OAuth: client credentials with HTTP basic auth.
    auth = token.calls[0].request.headers["Authorization"]
    assert auth == "Basic " + base64.b64encode(b"consumer-key:consumer-secret").decode()
    assert "grant_type=client_credentials" in token.calls[0].request.url
    sent = json.loads(push.calls[0].request.body)
    assert push.calls[0].request.headers["Authorization"] == "Bearer sandbox-token"
    # Nairobi time (UTC+3), and the password built from it.
    assert sent["Timestamp"] == "20261201103000"
    assert sent["Password"] == base64.b64encode(b"174379passkey-for-tests20261201103000").decode()
    assert sent["BusinessShortCode"] == "174379" and sent["PartyB"] == "174379"
    assert sent["TransactionType"] == "CustomerPayBillOnline"
    assert sent["Amount"] == 1500  # whole shillings, not minor units
    assert sent["PartyA"] == sent["PhoneNumber"] == "254711000000"
    assert sent["CallBackURL"] == "http://testserver" + daraja.CALLBACK_PATH
    assert len(sent["AccountReference"]) <= 12 and len(sent["TransactionDesc"]) <= 13
    donation.refresh_from_db()
    assert donation.method == Donation.Method.MPESA
    assert donation.status == Status.PENDING
    assert (donation.amount_minor, donation.currency) == (150_000, "KES")
    assert donation.mpesa_checkout_request_id == CHECKOUT
    # Receipt by email: the number went to Daraja and nowhere else.
    assert donation.phone == "" and stored(Donation, "phone", donation.pk) == ""
    assert not counted().exists()


def test_the_oauth_token_is_reused_until_it_expires(mpesa_keys, kes_fundraiser):
    with responses.RequestsMock() as rsps:
        token = daraja.token(rsps, expires_in="3599")
        daraja.push_accepted(rsps, "ws_CO_1")
        daraja.push_accepted(rsps, "ws_CO_2")
        give(kes_fundraiser)
        give(kes_fundraiser)
        assert len(token.calls) == 1
        with later(3600):
            daraja.push_accepted(rsps, "ws_CO_3")
            give(kes_fundraiser)
        assert len(token.calls) == 2


def test_an_sms_receipt_keeps_the_number_encrypted_until_it_is_sent(
    mpesa_keys, sms_keys, kes_fundraiser
):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        donation = give(kes_fundraiser, receipt_by=Donation.ReceiptChannel.SMS)
    assert donation.phone == "254711000000"
    raw = stored(Donation, "phone", donation.pk)
    assert raw and "254711000000" not in raw  # a Fernet token, not the number


@pytest.mark.parametrize(
    "phone", ["0711000000", "0711 000 000", "+254711000000", "254711000000", "711000000"]
)
def test_kenyan_number_formats_are_normalised(mpesa_keys, kes_fundraiser, phone):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        push = daraja.push_accepted(rsps, CHECKOUT)
        give(kes_fundraiser, phone=phone)
    assert json.loads(push.calls[0].request.body)["PhoneNumber"] == "254711000000"


@pytest.mark.parametrize(
    "phone", ["", "0811000000", "+255711000000", "07110000", "07-abc", "٠٧١١٠٠٠٠٠٠"]
)
def test_a_number_m_pesa_would_refuse_stores_nothing_and_calls_nobody(
    mpesa_keys, kes_fundraiser, phone
):
    # Any HTTP call would fail the test.
    with responses.RequestsMock(), pytest.raises(ValidationError) as error:
        give(kes_fundraiser, phone=phone)
    assert "phone" in error.value.message_dict
    assert not Donation.objects.exists()


def test_amounts_are_whole_shillings_within_m_pesa_limits(mpesa_keys, kes_fundraiser):
    for amount_minor in (50_050, 0, 15_000_100):
        with pytest.raises(ValidationError):
            services.begin_mpesa_payment(
                kes_fundraiser,
                services.MpesaGiftDetails(amount_minor=amount_minor, phone="0711000000"),
            )
    assert not Donation.objects.exists()


def test_the_database_refuses_cents_on_an_m_pesa_gift(pushed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Donation.objects.filter(pk=pushed.pk).update(amount_minor=50_050)


def test_daraja_refusing_the_push_marks_the_gift_failed(mpesa_keys, kes_fundraiser):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_refused(rsps)
        with pytest.raises(services.MpesaUnavailable):
            give(kes_fundraiser)
    donation = Donation.objects.get()
    assert donation.status == Status.FAILED
    assert pending_tasks("confirm_mpesa_payment") == 0  # nothing to check


def test_daraja_out_of_reach_marks_the_gift_failed(mpesa_keys, kes_fundraiser):
    import requests

    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, daraja.TOKEN_URL, body=requests.ConnectionError("down"))
        with pytest.raises(services.MpesaUnavailable):
            give(kes_fundraiser)
    assert Donation.objects.get().status == Status.FAILED


def test_without_finance_s_setting_or_without_keys_nothing_is_pushed(
    mpesa_keys, kes_fundraiser, fundraiser, settings
):
    with responses.RequestsMock(), pytest.raises(services.MpesaUnavailable):
        give(fundraiser)  # Finance did not turn M-Pesa on here
    settings.MPESA_PASSKEY = ""
    with responses.RequestsMock(), pytest.raises(services.MpesaUnavailable):
        give(kes_fundraiser)
    assert not Donation.objects.exists()


# --- Callback, then the platform's own query ------------------------------------------


def test_a_paid_callback_counts_only_once_the_query_confirms_it(client, pushed):
    response = daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    assert response.status_code == 200
    assert response.json()["ResultCode"] == 0
    pushed.refresh_from_db()
    assert pushed.status == Status.PENDING  # a claim, not a payment
    assert pushed.mpesa_receipt_number == "NLJ7RT61SV"
    assert not counted().exists()
    with responses.RequestsMock() as rsps:
        query = daraja.query_result(rsps, CHECKOUT, "0")
        run_tasks()
    sent = json.loads(query.calls[0].request.body)
    assert sent["CheckoutRequestID"] == CHECKOUT and sent["BusinessShortCode"] == "174379"
    pushed.refresh_from_db()
    assert pushed.status == Status.SUCCEEDED and pushed.mpesa_result_code == "0"
    assert campaign_progress(pushed.campaign).raised["total_minor"] == 50_000
    # The email receipt, with the M-Pesa receipt number.
    assert len(mail.outbox) == 1 and "NLJ7RT61SV" in mail.outbox[0].body
    # Our copy of the callback has no phone number.
    record = MpesaCallback.objects.get()
    assert "254711000000" not in json.dumps(record.payload)


def test_a_callback_claiming_payment_counts_nothing_if_daraja_says_otherwise(client, pushed):
    daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    with responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "1032")
        run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.FAILED
    assert not counted().exists() and not mail.outbox


def test_a_cancelled_payment_fails_and_counts_nothing(client, pushed):
    response = daraja.post_callback(client, daraja.failed_callback(CHECKOUT, code=1032))
    assert response.status_code == 200
    with responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "1032")
        run_tasks()
    pushed.refresh_from_db()
    assert (pushed.status, pushed.mpesa_result_code) == (Status.FAILED, "1032")
    assert pushed.mpesa_receipt_number == ""
    assert open_books().gifts == 0


def test_a_repeated_callback_is_stored_once_and_checked_once(client, pushed):
    first = daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    again = daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    assert first.json()["outcome"] == "stored" and again.json()["outcome"] == "duplicate"
    assert MpesaCallback.objects.count() == 1
    with responses.RequestsMock() as rsps:
        query = daraja.query_result(rsps, CHECKOUT, "0")
        run_tasks()
        assert len(query.calls) == 1
    daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    with responses.RequestsMock():
        run_tasks()  # nothing left to ask
    assert counted().count() == 1 and len(mail.outbox) == 1


def test_the_check_without_a_callback_settles_the_gift_too(pushed):
    """Daraja sometimes never calls back: the check enqueued with the push asks anyway."""
    with responses.RequestsMock():
        run_tasks()  # not due yet
    with later(), responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "0")
        run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.SUCCEEDED


@pytest.mark.parametrize("order", ["callback first", "query first"])
def test_callback_and_query_in_either_order_end_in_the_same_ledger(client, pushed, order):
    if order == "query first":
        with later(), responses.RequestsMock() as rsps:
            daraja.query_result(rsps, CHECKOUT, "0")
            run_tasks()
        daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
        with later(), responses.RequestsMock():
            run_tasks()  # already settled: Daraja is not asked again
    else:
        daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
        with responses.RequestsMock() as rsps:
            daraja.query_result(rsps, CHECKOUT, "0")
            run_tasks()
        with later(), responses.RequestsMock():
            run_tasks()  # the first check finds the gift settled
    pushed.refresh_from_db()
    assert pushed.status == Status.SUCCEEDED
    assert pushed.mpesa_receipt_number == "NLJ7RT61SV"
    assert Donation.objects.count() == 1 and MpesaCallback.objects.count() == 1
    assert counted().count() == 1 and len(mail.outbox) == 1


def test_a_query_that_fails_is_retried_later_with_run_after(client, pushed):
    import requests

    daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, daraja.QUERY_URL, body=requests.ConnectionError("down"))
        run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.PENDING
    retry = DBTaskResult.objects.filter(status="READY", args_kwargs__kwargs__attempt=2).get()
    assert retry.run_after > timezone.now()
    with later(200), responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "0")  # the token is still cached
        run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.SUCCEEDED


def test_a_gift_still_processing_is_asked_again_then_expires(pushed, settings):
    with later(), responses.RequestsMock() as rsps:
        daraja.query_still_processing(rsps)
        run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.PENDING
    # Every attempt answers "still processing": after the last one the gift expires.
    from lib.retry import MAX_ATTEMPTS

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        daraja.token(rsps)
        daraja.query_still_processing(rsps)
        for hours in range(1, MAX_ATTEMPTS + 1):
            with later(hours * 7200 + 120):
                run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.EXPIRED
    assert not counted().exists()


def test_the_sweeper_asks_again_about_gifts_left_pending(pushed):
    with later(15 * 60):
        assert services.check_mpesa_payments(older_than=timedelta(minutes=10)) == 1
        with responses.RequestsMock() as rsps:
            daraja.query_result(rsps, CHECKOUT, "0")
            run_tasks()
    pushed.refresh_from_db()
    assert pushed.status == Status.SUCCEEDED


# --- The callback endpoint's refusals ---------------------------------------------------


def test_a_wrong_secret_is_a_404_and_stores_nothing(client, pushed):
    path = "/mobile-money/stk-callback/not-the-secret-0123456789/"
    response = daraja.post_callback(client, daraja.paid_callback(CHECKOUT), path=path)
    assert response.status_code == 404
    assert not MpesaCallback.objects.exists()
    assert pending_tasks("confirm_mpesa_payment") == 1  # only the check sent with the push


def test_without_keys_the_callback_is_not_there(client, pushed, settings):
    settings.MPESA_CONSUMER_KEY = ""
    response = daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe garbled",
        b"[]",
        b'{"Body": {}}',
        b'{"Body": {"stkCallback": {"CheckoutRequestID": "ws_CO_011220261030001234"}}}',
        b'{"Body": {"stkCallback": {"CheckoutRequestID": 5, "ResultCode": 0}}}',
        b'{"Body": {"stkCallback": {"CheckoutRequestID": "ws_CO_011220261030001234", '
        b'"ResultCode": 0, "CallbackMetadata": {"Item": "x"}}}}',
        b'{"Body": {"stkCallback": {"CheckoutRequestID": "ws_CO_011220261030001234", '
        b'"ResultCode": true}}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_malformed_callback_is_a_400_and_stores_nothing(client, pushed, body):
    response = daraja.post_callback(client, body)
    assert response.status_code in (400, 413)
    assert not MpesaCallback.objects.exists()


def test_an_unknown_checkout_request_id_is_a_404(client, pushed):
    response = daraja.post_callback(client, daraja.paid_callback("ws_CO_UNKNOWN"))
    assert response.status_code == 404
    assert not MpesaCallback.objects.exists()


def test_only_post_is_accepted(client, pushed):
    assert client.get(daraja.CALLBACK_PATH).status_code == 405


def test_the_allow_list_refuses_other_addresses(client, pushed, settings):
    settings.MPESA_CALLBACK_ALLOWED_IPS = ["196.201.214.0/24"]
    refused = daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    assert refused.status_code == 403
    allowed = daraja.post_callback(
        client, daraja.paid_callback(CHECKOUT), REMOTE_ADDR="196.201.214.200"
    )
    assert allowed.status_code == 200


# --- Receipts ---------------------------------------------------------------------------


def test_the_receipt_goes_by_sms_and_the_number_is_then_forgotten(
    client, mpesa_keys, sms_keys, kes_fundraiser
):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        donation = give(kes_fundraiser, receipt_by=Donation.ReceiptChannel.SMS)
    daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    with responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "0")
        sms = daraja.sms_sent(rsps)
        run_tasks()
    body = sms.calls[0].request.body
    assert "to=%2B254711000000" in body and "username=sandbox" in body
    assert sms.calls[0].request.headers["apiKey"] == "at-api-key-for-tests"
    assert "NLJ7RT61SV" in body and "KES+500" in body
    donation.refresh_from_db()
    assert donation.receipt_sent_at is not None and donation.phone == ""
    assert not mail.outbox


def test_an_sms_provider_outage_retries_the_receipt(
    client, mpesa_keys, sms_keys, kes_fundraiser, django_capture_on_commit_callbacks
):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        donation = give(kes_fundraiser, receipt_by=Donation.ReceiptChannel.SMS)
    daraja.post_callback(client, daraja.paid_callback(CHECKOUT))
    with responses.RequestsMock() as rsps:
        daraja.query_result(rsps, CHECKOUT, "0")
        rsps.add(responses.POST, daraja.SMS_URL, status=500, body="oops")
        # The retry is enqueued once the receipt's transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            run_tasks()
    donation.refresh_from_db()
    assert donation.receipt_sent_at is None and donation.phone
    with later(120), responses.RequestsMock() as rsps:
        daraja.sms_sent(rsps)
        run_tasks()
    donation.refresh_from_db()
    assert donation.receipt_sent_at is not None and donation.phone == ""


def test_sms_chosen_without_an_sms_provider_means_email(mpesa_keys, kes_fundraiser):
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        donation = give(
            kes_fundraiser, receipt_by=Donation.ReceiptChannel.SMS, email="amina@example.org"
        )
    assert donation.receipt_by == Donation.ReceiptChannel.EMAIL and donation.phone == ""


def test_a_failed_push_leaves_no_task_behind_when_its_transaction_fails(mpesa_keys, kes_fundraiser):
    """The check is enqueued inside the transaction that stores the CheckoutRequestID."""
    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        with pytest.raises(RuntimeError), transaction.atomic():
            give(kes_fundraiser)
            raise RuntimeError("rolled back")
    assert pending_tasks("confirm_mpesa_payment") == 0
    assert not Donation.objects.exists()


def test_a_number_left_behind_is_forgotten_after_the_retention_days(
    mpesa_keys, sms_keys, kes_fundraiser
):
    from lib.personal_data import forget_spent_addresses

    with responses.RequestsMock() as rsps:
        daraja.token(rsps)
        daraja.push_accepted(rsps, CHECKOUT)
        donation = give(kes_fundraiser, receipt_by=Donation.ReceiptChannel.SMS)
    forget_spent_addresses()
    donation.refresh_from_db()
    assert donation.phone  # still owed its receipt
    with later(8 * 86400):
        forget_spent_addresses()
    donation.refresh_from_db()
    assert donation.phone == ""


def test_the_sms_receipt_is_short_plain_text_in_the_donor_s_language(pushed):
    from donations.tasks import sms_receipt_text

    pushed.mpesa_receipt_number = "NLJ7RT61SV"
    text = sms_receipt_text(pushed)
    assert "KES 500" in text and "NLJ7RT61SV" in text
    assert "\u00a0" not in text and len(text) <= 160
    pushed.language = "fr"
    assert "KES" in sms_receipt_text(pushed)


@pytest.mark.parametrize(
    "callback",
    [
        {"CheckoutRequestID": CHECKOUT + "\u0000", "ResultCode": 0},
        {"CheckoutRequestID": "<script>alert(1)</script>", "ResultCode": 0},
        {"CheckoutRequestID": "x" * 101, "ResultCode": 0},
        {"CheckoutRequestID": CHECKOUT, "ResultCode": 0, "ResultDesc": "ok\u0000"},
        {
            "CheckoutRequestID": CHECKOUT,
            "ResultCode": 0,
            "CallbackMetadata": {"Item": [{"Name": "Amount", "Value": float("inf")}]},
        },
        {
            "CheckoutRequestID": CHECKOUT,
            "ResultCode": 0,
            "CallbackMetadata": {"Item": [{"Name": "MpesaReceiptNumber", "Value": "ⅫⅫ"}]},
        },
        {"CheckoutRequestID": CHECKOUT, "ResultCode": -1},
        {"CheckoutRequestID": CHECKOUT, "ResultCode": 10**20},
    ],
)
def test_hostile_callback_fields_are_a_400_never_a_500(client, pushed, callback):
    response = daraja.post_callback(client, {"Body": {"stkCallback": callback}})
    assert response.status_code == 400
    assert not MpesaCallback.objects.exists()


def test_a_result_description_with_control_characters_is_stored_clean(client, pushed):
    payload = daraja.failed_callback(CHECKOUT, desc="Request\r\ncancelled\tby user")
    assert daraja.post_callback(client, payload).status_code == 200
    assert MpesaCallback.objects.get().result_desc == "Requestcancelledby user"
