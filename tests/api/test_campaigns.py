import pytest

from campaigns import services
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db


def test_campaign_list_shows_public_campaigns_only(client, campaign):
    create_campaign("secret-draft", live=False)
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [c["slug"] for c in body["results"]] == ["refuse"]
    item = body["results"][0]
    assert item["title"] == "Campaign refuse"
    assert item["browser_url"] == "http://testserver/c/refuse/"
    assert item["progress_url"] == "http://testserver/api/v1/campaigns/refuse/progress/"
    assert item["status"] == "live"


def test_campaign_list_in_spanish(client, campaign):
    item = client.get("/api/v1/campaigns/?lang=es").json()["results"][0]
    assert item["title"] == "Rechazamos"
    assert item["language"] == "es"
    assert item["browser_url"] == "http://testserver/es/c/refuse/"


def test_campaign_list_filters_by_kind_and_status(client, campaign):
    closed = create_campaign("old", kind="bds")
    services.close(closed, by=None)
    assert [c["slug"] for c in client.get("/api/v1/campaigns/?kind=bds").json()["results"]] == [
        "old"
    ]
    live = client.get("/api/v1/campaigns/?status=live").json()["results"]
    assert [c["slug"] for c in live] == ["refuse"]
    closed_list = client.get("/api/v1/campaigns/?status=closed").json()["results"]
    assert [c["slug"] for c in closed_list] == ["old"]


def test_campaign_list_paginates(client, db):
    for n in range(3):
        create_campaign(f"c{n}")
    body = client.get("/api/v1/campaigns/?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")
    assert len(client.get("/api/v1/campaigns/?page_size=2&page=2").json()["results"]) == 1


def test_campaign_list_query_count_is_constant(client, db, django_assert_max_num_queries):
    for n in range(5):
        create_campaign(f"c{n}", translations={"fr": {"title": f"Titre {n}"}})
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/campaigns/?lang=fr").status_code == 200


def test_campaign_detail_has_translations_and_counts(client, campaign):
    body = client.get("/api/v1/campaigns/refuse/").json()
    assert body["slug"] == "refuse"
    assert body["total_signatures"] == 0
    assert body["translations"] == [
        {
            "language": "es",
            "title": "Rechazamos",
            "summary": "Resumen",
            "description": "",
            "call_to_action": "",
        }
    ]
    assert body["available_languages"] == ["en", "es"]


def test_campaign_detail_falls_back_for_untranslated_language(client, campaign):
    body = client.get("/api/v1/campaigns/refuse/?lang=fr").json()
    assert body["title"] == "Campaign refuse"
    assert body["language"] == "en"


@pytest.mark.parametrize("path", ["/api/v1/campaigns/{}/", "/api/v1/campaigns/{}/progress/"])
def test_draft_and_unknown_campaigns_are_404_even_for_staff(client, comms, path):
    create_campaign("draft", live=False)
    verified_login(client, comms)
    for slug in ("draft", "nope"):
        response = client.get(path.format(slug))
        assert response.status_code == 404
        assert response.json() == {
            "error": {"status": 404, "code": "not_found", "detail": "No such campaign"}
        }
