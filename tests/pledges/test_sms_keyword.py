"""POST /sms/<secret>/: "SIGN <keyword> <name>" by text message signs through the same service
as USSD and is answered by SMS from a task (Africa's Talking's API, intercepted by
`responses`: no network)."""

import pytest
import requests
import responses
from django.test import Client

from campaigns import services as campaign_services
from pledges import sms_keyword
from pledges.models import Signature, SmsReply
from tests.conftest import create_campaign, run_tasks
from tests.pledges.phone_payloads import (
    AMINA,
    KOFI,
    SECRET,
    SMS_PATH,
    SMS_URL,
    inbound_sms,
    phone_channel,
    sms_sent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _phone_settings(settings):
    settings.USSD_CALLBACK_SECRET = SECRET
    settings.USSD_ALLOWED_IPS = []
    settings.AFRICASTALKING_USERNAME = "sandbox"
    settings.AFRICASTALKING_API_KEY = "at-key"
    settings.AFRICASTALKING_SENDER_ID = ""


@pytest.fixture
def refuse(campaign):
    phone_channel(campaign, "REFUSE")
    return campaign


def sent_messages(call) -> list[str]:
    from urllib.parse import parse_qs

    return [parse_qs(c.request.body)["message"][0] for c in call.calls]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SIGN REFUSE Amina Yusuf", ("REFUSE", "Amina Yusuf", "")),
        ("  sign   refuse    Amina   Yusuf  ", ("REFUSE", "Amina Yusuf", "")),
        ("Sign Refuse Amina", ("REFUSE", "Amina", "")),
        ("FIRMAR refuse Ana", ("REFUSE", "Ana", "es")),
        ("signer REFUSE Élodie", ("REFUSE", "Élodie", "fr")),
        ("وقع REFUSE أمينة", ("REFUSE", "أمينة", "ar")),
    ],
)
def test_the_keyword_is_read_case_insensitively_with_extra_spaces(text, expected):
    keyword = sms_keyword.parse(text)
    assert (keyword.code, keyword.name, keyword.language) == expected


@pytest.mark.parametrize(
    "text", ["", "SIGN", "SIGN REFUSE", "SIGN REFUSE 1234", "HELLO REFUSE Amina", "x" * 500]
)
def test_what_is_not_the_keyword(text):
    assert sms_keyword.parse(text) is None


@responses.activate
def test_a_keyword_text_signs_and_is_answered_by_sms(client, refuse):
    call = sms_sent(responses)
    assert inbound_sms(client, "sign refuse  Amina Yusuf").status_code == 200
    signature = Signature.objects.get()
    assert signature.channel == "sms" and signature.status == Signature.Status.CONFIRMED
    assert signature.listed_name == ""  # a text does not ask: not listed
    assert not call.calls  # not inside the request: the task sends it
    run_tasks()
    assert call.calls[0].request.body.count("to=%2B254711000111") == 1
    assert sent_messages(call) == ["Thank you! Your signature on “Campaign refuse” is counted."]
    reply = SmsReply.objects.get()
    assert reply.outcome == "sent" and reply.sent_at and reply.phone == ""  # number forgotten
    run_tasks()  # idempotent: nothing sent twice
    assert len(call.calls) == 1


@responses.activate
def test_a_second_text_from_the_same_number_is_one_signature(client, refuse):
    call = sms_sent(responses)
    inbound_sms(client, "SIGN REFUSE Amina")
    inbound_sms(client, "SIGN REFUSE Amina Y")
    run_tasks()
    assert Signature.objects.count() == 1
    assert sent_messages(call)[1] == "This number has already signed “Campaign refuse”. Thank you!"
    inbound_sms(client, "SIGN REFUSE Kofi", sender=KOFI)
    assert Signature.objects.count() == 2


@responses.activate
@pytest.mark.parametrize("text", ["SIGN NOPE Amina", "hello", "SIGN REFUSE", ""])
def test_an_unknown_keyword_or_a_malformed_text_gets_help(client, refuse, text):
    call = sms_sent(responses)
    assert inbound_sms(client, text).status_code == 200
    run_tasks()
    assert not Signature.objects.exists()
    (help_text,) = sent_messages(call)
    assert "SIGN REFUSE" in help_text and len(help_text) <= 160


@responses.activate
def test_a_closed_campaign_says_so(client, refuse):
    call = sms_sent(responses)
    campaign_services.close(refuse, by=None)
    inbound_sms(client, "SIGN REFUSE Amina")
    run_tasks()
    assert not Signature.objects.exists()
    assert sent_messages(call) == ["No campaign takes signatures by text message right now."]


@responses.activate
def test_campaigns_without_sms_do_not_take_texts(client):
    phone_channel(create_campaign("ussd-only"), "USSDONLY", sms=False)
    sms_sent(responses)
    inbound_sms(client, "SIGN USSDONLY Amina")
    assert not Signature.objects.exists()


@responses.activate
def test_over_the_rate_limit_no_reply_is_sent(client, refuse, settings):
    settings.PLEDGE_RATE_LIMITS = {"phone": (3, 3600)}
    call = sms_sent(responses)
    for _ in range(6):
        inbound_sms(client, "what?")
    run_tasks()
    assert len(call.calls) == 3


@responses.activate
def test_a_provider_outage_is_retried_then_the_number_forgotten(client, refuse):
    responses.add(responses.POST, SMS_URL, body=requests.ConnectionError("down"))
    inbound_sms(client, "SIGN REFUSE Amina")
    run_tasks()
    reply = SmsReply.objects.get()
    assert reply.outcome == "" and reply.phone == AMINA  # a retry is queued for later
    from pledges.tasks import SMS_REPLY_ATTEMPTS, send_sms_reply

    send_sms_reply.call(reply.pk, attempt=SMS_REPLY_ATTEMPTS)
    reply.refresh_from_db()
    assert (reply.outcome, reply.phone) == ("failed", "")
    assert Signature.objects.get().status == Signature.Status.CONFIRMED  # counted regardless


@responses.activate
def test_a_refused_number_is_forgotten(client, refuse):
    sms_sent(responses, status_code=403, status="InvalidPhoneNumber")
    inbound_sms(client, "SIGN REFUSE Amina")
    run_tasks()
    assert SmsReply.objects.get().outcome == "refused"
    assert SmsReply.objects.get().phone == ""


def test_without_an_sms_account_nothing_is_sent_and_the_number_goes(client, refuse, settings):
    settings.AFRICASTALKING_API_KEY = ""
    with responses.RequestsMock():  # any request would fail the test
        inbound_sms(client, "SIGN REFUSE Amina")
        run_tasks()
    assert Signature.objects.count() == 1
    reply = SmsReply.objects.get()
    assert (reply.outcome, reply.phone) == ("not-configured", "")


def test_the_callback_is_guarded_and_never_500(refuse, settings):
    client = Client(raise_request_exception=False)
    assert client.post("/sms/wrong-secret-0000000000000/", {"from": AMINA}).status_code == 404
    assert inbound_sms(client, "SIGN REFUSE A", sender="0711 000 111").status_code == 400
    assert client.post(SMS_PATH, {"text": "SIGN REFUSE Amina"}).status_code == 400
    assert client.post(SMS_PATH, {"from": AMINA}).status_code == 400
    response = client.post(SMS_PATH, b"\xff\xfe", content_type="multipart/form-data; boundary=x")
    assert response.status_code < 500
    settings.USSD_ALLOWED_IPS = ["196.201.214.0/24"]
    assert inbound_sms(client, "SIGN REFUSE Amina").status_code == 403
    assert not Signature.objects.exists()
