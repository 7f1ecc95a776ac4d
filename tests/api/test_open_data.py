import csv
import io

import pytest
from django.core.management import call_command

from api import open_data
from api.tasks import regenerate_open_data
from tests.conftest import create_campaign, run_tasks

pytestmark = pytest.mark.django_db


def test_open_data_json_is_licensed_and_public_only(client, campaign):
    create_campaign("draft", live=False)
    response = client.get("/api/v1/open-data/campaigns.json")
    assert response.status_code == 200
    body = response.json()
    assert body["license"] == "CC BY 4.0"
    assert body["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [c["slug"] for c in body["campaigns"]] == ["refuse"]
    assert body["campaigns"][0]["total_signatures"] == 0
    assert 'rel="license"' in response["Link"]


def test_open_data_csv_neutralises_formulas(client, db):
    create_campaign("formula", title="=HYPERLINK(1)")
    response = client.get("/api/v1/open-data/campaigns.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["title"] == "'=HYPERLINK(1)"
    assert rows[0]["slug"] == "formula"


def test_files_are_regenerated_by_the_task_and_the_command(client, campaign):
    client.get("/api/v1/open-data/campaigns.json")  # generated on first request
    create_campaign("second")
    assert len(client.get("/api/v1/open-data/campaigns.json").json()["campaigns"]) == 1
    regenerate_open_data.enqueue()
    run_tasks()
    assert len(client.get("/api/v1/open-data/campaigns.json").json()["campaigns"]) == 2
    create_campaign("third")
    call_command("export_open_data", stdout=io.StringIO())
    assert len(client.get("/api/v1/open-data/campaigns.json").json()["campaigns"]) == 3


def test_neutralise():
    assert open_data.neutralise("+1") == "'+1"
    assert open_data.neutralise("ok") == "ok"
    assert open_data.neutralise(None) == ""


def test_open_data_lists_approved_organisations_of_public_campaigns(client, campaign, moderator):
    from campaigns.models import Campaign
    from pledges import services as pledge_services
    from tests.pledges.conftest import approved_org, org_data

    hidden = create_campaign("hidden")
    other = create_campaign("other")
    approved_org(campaign, moderator=moderator)
    approved_org(other, moderator=moderator)  # the same organisation, by its website
    approved_org(hidden, moderator=moderator, name="Secret", website="https://secret.example/")
    # Not reachable through the services today (live campaigns only close); the export
    # must still follow public_campaigns() if that changes.
    Campaign.objects.filter(pk=hidden.pk).update(status=Campaign.Status.DRAFT)
    pledge_services.sign_on(campaign, org_data(name="Waiting", website="https://wait.example/"))
    approved_org(campaign, name="=Formula Org", website="https://formula.example/")

    body = client.get("/api/v1/open-data/campaigns.json").json()
    assert body["organisations"] == [
        {
            "name": "=Formula Org",
            "kind": "community_network",
            "country": "MX",
            "website": "https://formula.example/",
            "logo_url": None,
            "campaigns": ["refuse"],
        },
        {
            "name": "Red Comunitaria",
            "kind": "community_network",
            "country": "MX",
            "website": "https://www.redcomunitaria.example/",
            "logo_url": None,
            "campaigns": ["other", "refuse"],
        },
    ]
    response = client.get("/api/v1/open-data/organisations.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["name"], r["campaigns"]) for r in rows] == [
        ("'=Formula Org", "refuse"),
        ("Red Comunitaria", "other refuse"),
    ]
    for text in (str(body), response.content.decode()):
        assert "Secret" not in text and "Waiting" not in text and "Luz" not in text


def test_open_data_has_public_commitments_and_their_history(client, db, moderator):
    import json

    from campaigns.models import Campaign
    from commitments import services as commitment_services
    from tests.commitments.helpers import (
        approved_pledge,
        boycott,
        contact_update,
        create_drive,
        divestment,
        pledge,
    )

    drive = create_drive()
    a = approved_pledge(
        drive,
        boycott(action="=cmd|' /C calc'!A0"),
        divestment(),
        contact_name="Zebulon Contact",
        contact_email="zebulon@private.example",
    )
    first = a.commitments.order_by("pk").first()
    commitment_services.fulfil_commitment(
        first, by=moderator, note="Done", evidence_url="https://redcomunitaria.example/news"
    )
    contact_update(a.commitments.order_by("pk").last(), "in_progress", note="Pending secret")
    pledge(drive, boycott(action="Unconfirmed idea"), website="https://pending.example")
    hidden = create_drive("hidden-drive")
    approved_pledge(hidden, boycott(action="Hidden drive action"), website="https://h.example")
    Campaign.objects.filter(pk=hidden.pk).update(status=Campaign.Status.DRAFT)

    body = client.get("/api/v1/open-data/campaigns.json").json()
    commitments = body["commitments"]
    assert [c["id"] for c in commitments] == list(
        a.commitments.order_by("pk").values_list("pk", flat=True)
    )
    assert commitments[0]["status"] == "fulfilled"
    assert [(h["status"], h["note"]) for h in commitments[0]["history"]] == [
        ("pledged", ""),
        ("fulfilled", "Done"),
    ]
    assert (commitments[1]["amount"], commitments[1]["currency"]) == ("250000.00", "EUR")
    assert [h["status"] for h in commitments[1]["history"]] == ["pledged"]

    response = client.get("/api/v1/open-data/commitments.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["id"] for r in rows] == [str(c["id"]) for c in commitments]
    boycott_row, divest_row = rows
    assert boycott_row["action"] == "'=cmd|' /C calc'!A0"
    assert boycott_row["organisation"] == "Red Comunitaria"
    assert boycott_row["organisation_country"] == "MX"
    assert (boycott_row["target"], boycott_row["target_name"]) == (
        "alphabet",
        "Alphabet (Google)",
    )
    assert [h["status"] for h in json.loads(boycott_row["history"])] == ["pledged", "fulfilled"]
    assert (divest_row["amount"], divest_row["currency"], divest_row["deadline"]) == (
        "250000.00",
        "EUR",
        "",
    )
    for text in (json.dumps(body), response.content.decode()):
        for private in ("Zebulon", "zebulon@", "Pending secret", "Unconfirmed", "Hidden drive"):
            assert private not in text
