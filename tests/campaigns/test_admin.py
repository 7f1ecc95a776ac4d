"""Who may do what in the staff area, as a matrix over the personas."""

import pytest

from campaigns.models import Campaign
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db

ADMIN = "/staff/admin/"

# persona -> (may open campaign list, may add, may publish)
MATRIX = {
    "anonymous": (False, False, False),
    "outsider": (False, False, False),
    "comms": (True, True, True),
    "moderator": (True, False, False),
    "finance": (True, False, False),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_campaign_admin_permission_matrix(persona, persona_client):
    may_list, may_add, may_publish = MATRIX[persona]
    client = persona_client(persona)
    draft = create_campaign("matrix-draft", live=False)

    listing = client.get(f"{ADMIN}campaigns/campaign/")
    # Non-staff accounts are sent to the login page; staff without the permission get 403.
    assert listing.status_code == (200 if may_list else 302)

    add = client.get(f"{ADMIN}campaigns/campaign/add/")
    assert (add.status_code == 200) is may_add

    client.post(
        f"{ADMIN}campaigns/campaign/",
        {"action": "action_publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert (draft.status == Campaign.Status.LIVE) is may_publish


def test_comms_drafts_translates_previews_and_launches(client, comms):
    verified_login(client, comms)
    response = client.post(
        f"{ADMIN}campaigns/campaign/add/",
        {
            "title": "Leave the cloud",
            "slug": "leave-the-cloud",
            "kind": "statement",
            "default_language": "en",
            "summary": "Move off Big Tech clouds.",
            "statement": "We **leave**.",
            "call_to_action": "Sign",
            "signature_goal": "500",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-language": "fr",
            "translations-0-title": "Quitter le nuage",
            "translations-0-summary": "",
            "translations-0-statement": "",
            "translations-0-call_to_action": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(slug="leave-the-cloud")
    assert campaign.status == Campaign.Status.DRAFT
    # Preview before launch, as staff only.
    assert client.get("/fr/c/leave-the-cloud/").status_code == 200
    assert "Quitter le nuage" in client.get("/fr/c/leave-the-cloud/").content.decode()
    client.post(
        f"{ADMIN}campaigns/campaign/",
        {"action": "action_publish", "_selected_action": [campaign.pk]},
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    client.logout()
    assert client.get("/c/leave-the-cloud/").status_code == 200
