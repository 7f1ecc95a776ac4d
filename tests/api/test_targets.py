import pytest

from campaigns.models import Target
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(db):
    google = Target.objects.create(
        name="Google", slug="google", headquarters_country="US", products="Gmail\nWorkspace"
    )
    sap = Target.objects.create(name="SAP", slug="sap", headquarters_country="DE")
    drive = create_campaign("drive", kind="bds")
    drive.targets.add(google)
    hidden = create_campaign("hidden", kind="bds", live=False)
    hidden.targets.add(sap)
    return google, sap


def test_targets_list_with_public_campaigns_only(client, targets):
    body = client.get("/api/v1/targets/").json()
    assert body["count"] == 2
    google, sap = body["results"]
    assert google == {
        "slug": "google",
        "name": "Google",
        "headquarters_country": "US",
        "description": "",
        "products": ["Gmail", "Workspace"],
        "campaigns": ["drive"],
    }
    assert sap["campaigns"] == []


@pytest.mark.parametrize(
    "query, slugs",
    [
        ("campaign=drive", ["google"]),
        ("campaign=hidden", []),
        ("country=de", ["sap"]),
        ("q=gmail", ["google"]),
    ],
)
def test_targets_filters(client, targets, query, slugs):
    body = client.get(f"/api/v1/targets/?{query}").json()
    assert [t["slug"] for t in body["results"]] == slugs
