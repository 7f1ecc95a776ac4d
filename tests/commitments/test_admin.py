"""Staff area for commitments: who may moderate, post and review updates, and export."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate
from pledges import contact
from tests.commitments.helpers import (
    approved_commitment,
    boycott,
    contact_update,
    create_drive,
    divestment,
    pledge,
)
from tests.conftest import PERSONAS, verified_login

pytestmark = pytest.mark.django_db

PLEDGES = "/staff/admin/commitments/commitmentpledge/"
COMMITMENTS = "/staff/admin/commitments/commitment/"
UPDATES = "/staff/admin/commitments/commitmentupdate/"
EXPORT = "/staff/admin/pledges/signature/export/"


@pytest.fixture
def drive(db):
    return create_drive()


def awaiting(campaign, **overrides) -> CommitmentPledge:
    result = pledge(campaign, boycott(), **overrides)
    return contact.confirm_contact(result.pledge)[0]


QUEUE_STATUS = {"anonymous": 302, "outsider": 302, "comms": 200, "moderator": 200, "finance": 403}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", [PLEDGES, COMMITMENTS, UPDATES])
def test_staff_lists_access(persona_client, drive, persona, url):
    awaiting(drive)
    assert persona_client(persona).get(url).status_code == QUEUE_STATUS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_approve_commitment_pledges(persona_client, drive, persona):
    row = awaiting(drive)
    persona_client(persona).post(PLEDGES, {"action": "approve", "_selected_action": [row.pk]})
    row.refresh_from_db()
    expected = "approved" if persona == "moderator" else "awaiting_moderation"
    assert row.status == expected


def test_reject_asks_for_a_reason(client, drive, moderator):
    row = awaiting(drive)
    verified_login(client, moderator)
    page = client.post(PLEDGES, {"action": "reject", "_selected_action": [row.pk]})
    assert 'name="reason"' in page.content.decode()
    client.post(
        PLEDGES,
        {"action": "reject", "_selected_action": [row.pk], "apply": "1", "reason": "Spam."},
    )
    row.refresh_from_db()
    assert (row.status, row.rejection_reason) == ("rejected", "Spam.")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_review_contact_updates(persona_client, drive, persona):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, "fulfilled")
    persona_client(persona).post(UPDATES, {"action": "accept", "_selected_action": [update.pk]})
    commitment.refresh_from_db()
    expected = "fulfilled" if persona == "moderator" else "pledged"
    assert commitment.status == expected


def test_moderator_rejects_a_contact_update(client, drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, "fulfilled")
    verified_login(client, moderator)
    client.post(UPDATES, {"action": "reject", "_selected_action": [update.pk]})
    update.refresh_from_db()
    assert update.review == CommitmentUpdate.Review.REJECTED


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_post_updates(persona_client, drive, persona):
    commitment = approved_commitment(drive)
    persona_client(persona).post(
        COMMITMENTS,
        {
            "action": "post_update",
            "_selected_action": [commitment.pk],
            "apply": "1",
            "status": "in_progress",
            "note": "Board approved",
        },
    )
    commitment.refresh_from_db()
    expected = "in_progress" if persona == "moderator" else "pledged"
    assert commitment.status == expected


def test_post_update_form_rejects_bad_links_and_impossible_moves(client, drive, moderator):
    commitment = approved_commitment(drive)
    verified_login(client, moderator)
    bad = client.post(
        COMMITMENTS,
        {
            "action": "post_update",
            "_selected_action": [commitment.pk],
            "apply": "1",
            "status": "in_progress",
            "evidence_url": "javascript:alert(1)",
        },
    )
    assert bad.status_code == 400
    client.post(
        COMMITMENTS,
        {
            "action": "post_update",
            "_selected_action": [commitment.pk],
            "apply": "1",
            "status": "pledged",
        },
    )
    commitment.refresh_from_db()
    assert commitment.status == "pledged"
    assert not CommitmentUpdate.objects.filter(status="in_progress").exists()


def test_commitment_page_shows_the_history(client, drive, moderator):
    commitment = approved_commitment(drive)
    contact_update(commitment, "in_progress", note="On our way")
    verified_login(client, moderator)
    body = client.get(f"{COMMITMENTS}{commitment.pk}/change/").content.decode()
    assert "On our way" in body


EXPORT_STATUS = {"anonymous": 302, "outsider": 302, "comms": 200, "moderator": 403, "finance": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_commitment_export_access(persona_client, drive, persona):
    response = persona_client(persona).get(EXPORT, {"what": "commitments", "format": "csv"})
    assert response.status_code == EXPORT_STATUS[persona]


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_hides_contacts_without_the_personal_data_permission(client, drive, comms):
    approved_commitment(drive, divestment(action="=HYPERLINK(1)"))
    verified_login(client, comms)
    rows = read_csv(client.get(EXPORT, {"what": "commitments", "format": "csv"}))
    assert len(rows) == 1
    row = rows[0]
    assert (row["contact_email"], row["contact_name"]) == ("", "")
    assert (row["amount"], row["currency"], row["target"]) == ("250000.00", "EUR", "meta")
    assert row["action"] == "'=HYPERLINK(1)"
    comms.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    comms = type(comms).objects.get(pk=comms.pk)
    verified_login(client, comms)
    rows = read_csv(client.get(EXPORT, {"what": "commitments", "format": "csv"}))
    assert rows[0]["contact_email"] == "luz@redcomunitaria.example"


def test_export_filters_by_campaign_and_status_and_gives_xlsx(client, drive, comms):
    from openpyxl import load_workbook

    approved_commitment(drive)
    pledge(drive, boycott(), website="https://pending.example")
    verified_login(client, comms)
    rows = read_csv(
        client.get(
            EXPORT,
            {"what": "commitments", "format": "csv", "campaign": drive.pk, "status": "approved"},
        )
    )
    assert len(rows) == 1
    response = client.get(EXPORT, {"what": "commitments", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 3
    assert Commitment.objects.count() == 2
