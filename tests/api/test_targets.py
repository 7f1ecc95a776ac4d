import pytest

from campaigns.models import Target
from commitments import services as commitment_services
from commitments import tracker
from commitments.models import Commitment
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    divestment,
    pledge,
)
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
        "commitments": {
            "pledged": 0,
            "agreed_to_review": 0,
            "in_progress": 0,
            "fulfilled": 0,
            "lapsed": 0,
            "withdrawn": 0,
        },
        "category": "pressure",
        "status": "listed",
        "removed_at": None,
        "reply": None,
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


@pytest.fixture
def drive(db, moderator):
    campaign = create_drive()
    a = approved_pledge(campaign, boycott(), divestment(), contact_name="Luz Pérez")
    b = approved_pledge(
        campaign,
        boycott(target="", action="Quit every listed company's cloud"),
        website="https://sindicato.example",
        name="Sindicato Digital",
        contact_email="secret@sindicato.example",
    )
    commitment_services.fulfil_commitment(b.commitments.get(), by=moderator)
    pledge(campaign, boycott(action="Unconfirmed idea"), website="https://pending.example")
    contact_update(a.commitments.order_by("pk").first(), "fulfilled", note="Secret draft")
    return campaign


def test_targets_carry_the_trackers_counts(client, drive):
    body = client.get("/api/v1/targets/").json()
    by_slug = {t["slug"]: t for t in body["results"]}
    for target in Target.objects.filter(slug__in=["alphabet", "meta"]):
        assert by_slug[target.slug]["commitments"] == tracker.target_status_counts(target)
    # Alphabet: its own boycott and the union's "all targets" commitment.
    assert by_slug["alphabet"]["commitments"]["pledged"] == 1
    assert by_slug["alphabet"]["commitments"]["fulfilled"] == 1
    assert by_slug["meta"]["commitments"]["pledged"] == 1


def test_target_detail_lists_its_public_commitments(client, drive):
    response = client.get("/api/v1/targets/alphabet/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "alphabet" and body["campaigns"] == ["bds"]
    assert body["commitments"]["fulfilled"] == 1
    page = body["commitment_page"]
    alphabet = Target.objects.get(slug="alphabet")
    assert page["count"] == 2
    assert [c["id"] for c in page["results"]] == list(
        tracker.target_commitments(alphabet).values_list("pk", flat=True)
    )
    union = page["results"][0]
    assert union["all_targets"] is True and union["status"] == "fulfilled"
    assert [h["status"] for h in union["history"]] == ["pledged", "fulfilled"]
    assert page["results"][1]["history"][-1]["status"] == "pledged"
    for private in (b"@", b"Luz", b"Secret", b"Unconfirmed"):
        assert private not in response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert (
        client.get(
            "/api/v1/targets/alphabet/", headers={"If-None-Match": response["ETag"]}
        ).status_code
        == 304
    )


def test_target_detail_pages(client, drive):
    body = client.get("/api/v1/targets/alphabet/?page_size=1").json()
    assert len(body["commitment_page"]["results"]) == 1
    assert "page=2" in body["commitment_page"]["next"]
    assert client.get("/api/v1/targets/alphabet/?page=abc").status_code == 400
    assert client.get("/api/v1/targets/alphabet/?page=5").status_code == 404


def test_unknown_targets_and_targets_of_no_public_drive_are_404(client, targets):
    assert client.get("/api/v1/targets/google/").status_code == 200
    for slug in ("sap", "nope"):
        response = client.get(f"/api/v1/targets/{slug}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_status_counts_are_zero_for_every_status_without_commitments(client, targets):
    body = client.get("/api/v1/targets/google/").json()
    assert body["commitments"] == dict.fromkeys(Commitment.Status.values, 0)
    assert body["commitment_page"] == {"count": 0, "next": None, "previous": None, "results": []}


def test_targets_list_costs_one_count_query_per_target(client, drive, django_assert_num_queries):
    """Each target's counts are tracker.target_status_counts (one aggregate); pages bound it."""
    from campaigns.models import Campaign

    # count, page, campaigns, translations, reply requests, list changes + 2 targets
    with django_assert_num_queries(6 + 2):
        client.get("/api/v1/targets/")
    other = create_drive("second")
    Target.objects.create(name="Amazon", slug="amazon")
    other.targets.add(Target.objects.get(slug="amazon"))
    assert Campaign.objects.count() == 2
    with django_assert_num_queries(6 + 3):
        assert len(client.get("/api/v1/targets/").json()["results"]) == 3
