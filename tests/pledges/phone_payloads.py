"""Africa's Talking's documented callback shapes, for the phone signing tests.

USSD: a form-encoded POST per step, `text` every answer so far joined by "*" (empty on the
first screen). Inbound SMS: a form-encoded POST with from, to, text, date, id and linkId.
Outbound SMS go to the sandbox's messaging API, which `responses` plays back.
"""

import responses

from pledges.models import PhoneChannel, PhoneSummary

SECRET = "ussd-secret-for-tests-0123456789"
USSD_PATH = f"/ussd/{SECRET}/"
SMS_PATH = f"/sms/{SECRET}/"
AMINA = "+254711000111"
KOFI = "+254722000222"
SMS_URL = "https://api.sandbox.africastalking.com/version1/messaging"


def ussd(client, text: str = "", *, phone: str = AMINA, session: str = "ATUid_0b5e1f", **extra):
    data = {
        "sessionId": session,
        "serviceCode": "*384*123#",
        "phoneNumber": phone,
        "networkCode": "63902",
        "text": text,
    }
    return client.post(USSD_PATH, data, **extra)


def inbound_sms(client, text: str, *, sender: str = AMINA, **extra):
    data = {
        "from": sender,
        "to": "21525",
        "text": text,
        "date": "2026-12-01 10:30:00",
        "id": "ATXid_6b6a2f05a8f6e8",
        "linkId": "SampleLinkId123",
    }
    return client.post(SMS_PATH, data, **extra)


def sms_sent(rsps, *, status_code: int = 101, status: str = "Success"):
    return rsps.add(
        responses.POST,
        SMS_URL,
        json={
            "SMSMessageData": {
                "Message": "Sent to 1/1 Total Cost: KES 0.8000",
                "Recipients": [
                    {
                        "statusCode": status_code,
                        "number": "+254711000111",
                        "status": status,
                        "cost": "KES 0.8000",
                        "messageId": "ATXid_sample",
                    }
                ],
            }
        },
        status=201,
    )


def phone_channel(campaign, code: str, *, ussd: bool = True, sms: bool = True, **summaries):
    channel = PhoneChannel(campaign=campaign, code=code, ussd_enabled=ussd, sms_enabled=sms)
    channel.full_clean()
    channel.save()
    for language, text in summaries.items():
        PhoneSummary.objects.create(phone_channel=channel, language=language, text=text)
    return channel
