"""Communications turn phone signing on for a campaign in the staff area; others cannot."""

import pytest

from pledges.models import PhoneChannel
from staff.models import AuditEvent
from tests.conftest import create_campaign, verified_login
from tests.pledges.phone_payloads import phone_channel

pytestmark = pytest.mark.django_db
ADD = "/staff/admin/pledges/phonechannel/add/"


def form(campaign, code: str, **extra) -> dict:
    return {
        "campaign": campaign.pk,
        "code": code,
        "ussd_enabled": "on",
        "sms_enabled": "on",
        "default_country": "",
        "summaries-TOTAL_FORMS": "1",
        "summaries-INITIAL_FORMS": "0",
        "summaries-MIN_NUM_FORMS": "0",
        "summaries-MAX_NUM_FORMS": "1000",
        "summaries-0-language": "sw" if extra.pop("bad_language", False) else "en",
        "summaries-0-text": extra.pop("summary", "We refuse."),
        **extra,
    }


def test_communications_add_a_keyword_stored_in_capitals(client, comms, campaign):
    verified_login(client, comms)
    response = client.post(ADD, form(campaign, "refuse"))
    assert response.status_code == 302, response.content
    channel = PhoneChannel.objects.get()
    assert channel.code == "REFUSE" and channel.ussd_enabled and channel.sms_enabled
    assert channel.summaries.get().text == "We refuse."
    assert AuditEvent.objects.filter(action="phone_channel.add").exists()


@pytest.mark.parametrize(
    ("code", "extra"),
    [
        ("re fuse", {}),
        ("x", {}),
        ("TOOLONGKEYWORD1", {}),
        ("OK2", {"summary": "x" * 121}),
        ("OK3", {"bad_language": True}),
    ],
)
def test_bad_settings_are_form_errors(client, comms, campaign, code, extra):
    verified_login(client, comms)
    response = client.post(ADD, form(campaign, code, **extra))
    assert response.status_code == 200
    assert not PhoneChannel.objects.exists()


def test_a_keyword_is_one_campaigns_whatever_its_case(client, comms, campaign):
    phone_channel(create_campaign("other"), "REFUSE")
    verified_login(client, comms)
    response = client.post(ADD, form(campaign, "Refuse"))
    assert response.status_code == 200
    assert PhoneChannel.objects.count() == 1


@pytest.mark.parametrize("persona", ["moderator", "finance", "outsider"])
def test_other_staff_cannot_add(client, campaign, persona, request):
    verified_login(client, request.getfixturevalue(persona))
    response = client.post(ADD, form(campaign, "REFUSE"))
    assert response.status_code in (302, 403)
    assert not PhoneChannel.objects.exists()
