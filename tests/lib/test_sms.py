"""lib/sms.py: Africa's Talking's SMS API through their SDK, intercepted with `responses`."""

import pytest
import requests
import responses

from lib import sms
from tests.donations.mpesa_payloads import SMS_URL, sms_sent

PRODUCTION_URL = "https://api.africastalking.com/version1/messaging"


@pytest.fixture
def at_keys(settings):
    settings.AFRICASTALKING_USERNAME = "sandbox"
    settings.AFRICASTALKING_API_KEY = "at-key"
    settings.AFRICASTALKING_SENDER_ID = ""
    return settings


def test_without_an_api_key_nothing_is_sent(settings):
    settings.AFRICASTALKING_API_KEY = ""
    assert not sms.is_configured()
    with responses.RequestsMock(), pytest.raises(sms.SmsError):
        sms.send_sms("+254711000000", "hello")


@responses.activate
def test_a_message_goes_to_the_sandbox_by_default(at_keys):
    call = sms_sent(responses)
    sent = sms.send_sms("+254711000000", "Asante")
    assert sent.message_id == "ATXid_sample"
    body = call.calls[0].request.body
    assert "username=sandbox" in body and "to=%2B254711000000" in body and "message=Asante" in body
    assert call.calls[0].request.headers["apiKey"] == "at-key"


@responses.activate
def test_a_production_account_and_sender_id(at_keys):
    at_keys.AFRICASTALKING_USERNAME = "coalition"
    at_keys.AFRICASTALKING_SENDER_ID = "COALITION"
    call = responses.add(
        responses.POST,
        PRODUCTION_URL,
        json={"SMSMessageData": {"Recipients": [{"statusCode": 102, "status": "Queued"}]}},
    )
    sms.send_sms("+254711000000", "hi")
    assert "from=COALITION" in call.calls[0].request.body


@responses.activate
def test_a_refused_number_is_not_retried(at_keys):
    sms_sent(responses, status_code=403, status="InvalidPhoneNumber")
    with pytest.raises(sms.SmsRefused):
        sms.send_sms("+254711000000", "hi")


@responses.activate
def test_a_provider_error_or_outage_can_be_retried(at_keys):
    responses.add(responses.POST, SMS_URL, status=500, body="Internal error")
    with pytest.raises(sms.SmsError) as error:
        sms.send_sms("+254711000000", "hi")
    assert not isinstance(error.value, sms.SmsRefused)
    responses.replace(responses.POST, SMS_URL, body=requests.ConnectionError("down"))
    with pytest.raises(sms.SmsError):
        sms.send_sms("+254711000000", "hi")
    responses.replace(responses.POST, SMS_URL, body="not json", content_type="text/plain")
    with pytest.raises(sms.SmsError):
        sms.send_sms("+254711000000", "hi")


def test_only_e164_numbers(at_keys):
    with responses.RequestsMock(), pytest.raises(sms.SmsRefused):
        sms.send_sms("0711000000", "hi")
