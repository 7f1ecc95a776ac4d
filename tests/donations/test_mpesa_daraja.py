"""The Daraja client and M-Pesa's rules on their own: numbers, shillings, the callback's shape."""

import json
from datetime import UTC, datetime

import pytest
import responses
from django.core.cache import cache

from donations import daraja, money, mpesa
from tests.donations import mpesa_payloads as payloads

ISSUE_CALLBACK = (
    b'{"Body": {"stkCallback": {"MerchantRequestID": "29115-34620561-1", "CheckoutRequestID": '
    b'"ws_CO_191220191020363925", "ResultCode": 0, "ResultDesc": "The service request is '
    b'processed successfully.", "CallbackMetadata": {"Item": [{"Name": "Amount", "Value": 100}, '
    b'{"Name": "MpesaReceiptNumber", "Value": "NLJ7RT61SV"}, {"Name": "TransactionDate", '
    b'"Value": 20261201103000}, {"Name": "PhoneNumber", "Value": 254711000000}]}}}}'
)


def client() -> daraja.DarajaClient:
    return daraja.DarajaClient(
        base_url=payloads.BASE,
        consumer_key="consumer-key",
        consumer_secret="consumer-secret",
        shortcode="174379",
        passkey="passkey",
    )


def test_timestamp_is_nairobi_wall_clock_time():
    assert daraja.timestamp(datetime(2026, 12, 31, 22, 15, 9, tzinfo=UTC)) == "20270101011509"


def test_password_is_base64_of_shortcode_passkey_and_timestamp():
    assert daraja.password("174379", "key", "20261201103000") == "MTc0Mzc5a2V5MjAyNjEyMDExMDMwMDA="


@pytest.mark.parametrize(
    ("typed", "msisdn"),
    [
        ("0712345678", "254712345678"),
        ("0712 345 678", "254712345678"),
        ("+254 712-345-678", "254712345678"),
        ("254712345678", "254712345678"),
        ("(0712) 345678", "254712345678"),
        ("0112345678", "254112345678"),
    ],
)
def test_kenyan_numbers_are_normalised(typed, msisdn):
    assert mpesa.normalise_phone(typed) == msisdn
    assert mpesa.e164(msisdn) == "+" + msisdn


@pytest.mark.parametrize(
    "typed", ["", "12345", "0212345678", "+1 712 345 678", "2547123456789", "07123456７8", "abc"]
)
def test_other_numbers_are_refused(typed):
    with pytest.raises(mpesa.InvalidPhone):
        mpesa.normalise_phone(typed)


def test_whole_shillings_through_the_money_helpers():
    assert mpesa.shillings_to_minor(1500) == 150_000
    assert mpesa.minor_to_shillings(150_000) == 1500
    with pytest.raises(money.MoneyError):
        mpesa.minor_to_shillings(150_050)
    with pytest.raises(money.MoneyError):
        mpesa.validate_gift_minor(mpesa.shillings_to_minor(mpesa.MAX_SHILLINGS + 1))


def test_the_issue_s_callback_shape_is_read_and_kept_without_the_number():
    callback = mpesa.parse_callback(ISSUE_CALLBACK)
    assert callback.checkout_request_id == "ws_CO_191220191020363925"
    assert callback.result_code == 0 and callback.receipt_number == "NLJ7RT61SV"
    assert callback.amount_shillings == 100
    kept = json.dumps(mpesa.without_personal_details(ISSUE_CALLBACK))
    assert "254711000000" not in kept and "NLJ7RT61SV" in kept


def test_a_cancelled_callback_has_no_metadata():
    body = json.dumps(payloads.failed_callback("ws_CO_1", code=1032)).encode()
    callback = mpesa.parse_callback(body)
    assert (callback.result_code, callback.receipt_number) == (1032, "")


@responses.activate
def test_refused_credentials_are_a_refusal():
    responses.add(responses.GET, payloads.TOKEN_URL, status=400, body="")
    with pytest.raises(daraja.Refused):
        client().token()


@responses.activate
def test_a_token_answer_without_a_token_is_an_error():
    responses.add(responses.GET, payloads.TOKEN_URL, json={"expires_in": "3599"})
    with pytest.raises(daraja.DarajaError):
        client().token()


@responses.activate
def test_a_401_forgets_the_cached_token():
    payloads.token(responses)
    responses.add(responses.POST, payloads.QUERY_URL, status=401, json={"errorCode": "404.001.03"})
    c = client()
    with pytest.raises(daraja.Refused):
        c.stk_query("ws_CO_1")
    assert cache.get(c._token_key()) is None


@responses.activate
def test_query_still_processing_both_ways():
    payloads.token(responses)
    payloads.query_still_processing(responses)
    with pytest.raises(daraja.StillProcessing):
        client().stk_query("ws_CO_1")
    responses.replace(
        responses.POST,
        payloads.QUERY_URL,
        json={"ResponseCode": "0", "ResultCode": "4999", "CheckoutRequestID": "ws_CO_1"},
    )
    with pytest.raises(daraja.StillProcessing):
        client().stk_query("ws_CO_1")


@responses.activate
def test_an_answer_about_another_request_is_not_believed():
    payloads.token(responses)
    payloads.query_result(responses, "ws_CO_OTHER", "0")
    with pytest.raises(daraja.DarajaError):
        client().stk_query("ws_CO_1")


@responses.activate
def test_a_paid_answer_and_a_cancelled_one():
    payloads.token(responses)
    payloads.query_result(responses, "ws_CO_1", "0")
    assert client().stk_query("ws_CO_1").paid
    responses.replace(
        responses.POST,
        payloads.QUERY_URL,
        json={"ResponseCode": "0", "ResultCode": "1032", "CheckoutRequestID": "ws_CO_1"},
    )
    result = client().stk_query("ws_CO_1")
    assert not result.paid and result.result_code == "1032"


@responses.activate
def test_the_production_base_url_by_setting(settings, db):
    settings.MPESA_ENVIRONMENT = "production"
    settings.MPESA_CONSUMER_KEY = "k"
    settings.MPESA_CONSUMER_SECRET = "s"
    settings.MPESA_SHORTCODE = "600000"
    settings.MPESA_PASSKEY = "p"
    assert daraja.client().base_url == "https://api.safaricom.co.ke"
