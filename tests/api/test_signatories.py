"""GET /api/v1/campaigns/<slug>/signatories/: the public list, as on the HTML page."""

import pytest

from pledges import contact
from pledges import services as pledge_services
from tests.conftest import create_campaign
from tests.pledges.conftest import approved_org, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/refuse/signatories/"


def test_lists_approved_organisations_and_listed_confirmed_signers_only(client, campaign):
    signed_and_confirmed(
        campaign, name="Listed Person", email="listed@example.org", affiliation="Uni"
    )
    signed_and_confirmed(
        campaign, name="Hidden Person", email="hidden@example.org", show_publicly=False
    )
    sign(campaign, name="Pending Person", email="pending@example.org")
    approved_org(campaign)
    result = pledge_services.sign_on(
        campaign, _org(name="Waiting Org", website="https://waiting.example/")
    )
    contact.confirm_contact(result.pledge)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "campaign": "refuse",
        "organisations": {
            "results": [
                {
                    "name": "Red Comunitaria",
                    "kind": "community_network",
                    "country": "MX",
                    "website": "https://www.redcomunitaria.example/",
                    "logo_url": None,
                }
            ],
            "next": None,
        },
        "individuals": {
            "results": [{"name": "Listed Person", "country": "KE", "affiliation": "Uni"}],
            "next": None,
        },
    }
    body = response.content.decode()
    for secret in ("Hidden Person", "Pending Person", "Waiting Org", "Luz", "@"):
        assert secret not in body


def _org(**overrides):
    from tests.pledges.conftest import org_data

    return org_data(**overrides)


def test_same_filters_as_the_html_page(client, campaign):
    signed_and_confirmed(campaign, name="Zed Other", email="z@example.org", country="FR")
    signed_and_confirmed(campaign, name="Ana Lima", email="a@example.org", country="BR")
    approved_org(campaign)

    by_country = client.get(URL, {"country": "FR"}).json()
    assert [p["name"] for p in by_country["individuals"]["results"]] == ["Zed Other"]
    assert by_country["organisations"]["results"] == []

    searched = client.get(URL, {"q": "ana"}).json()
    assert [p["name"] for p in searched["individuals"]["results"]] == ["Ana Lima"]

    people = client.get(URL, {"type": "individual"}).json()
    assert people["organisations"] is None
    assert len(people["individuals"]["results"]) == 2

    orgs = client.get(URL, {"type": "community_network"}).json()
    assert orgs["individuals"] is None
    assert [o["name"] for o in orgs["organisations"]["results"]] == ["Red Comunitaria"]


def test_keyset_pages_follow_next(client, campaign):
    for n in range(53):
        signed_and_confirmed(campaign, name=f"Person {n:02d}", email=f"p{n}@example.org")
    first = client.get(URL, {"type": "individual", "q": "person"}).json()["individuals"]
    assert len(first["results"]) == 50
    assert first["results"][0]["name"] == "Person 52"
    assert first["next"].startswith("http://testserver/api/v1/campaigns/refuse/signatories/?")
    assert "q=person" in first["next"] and "type=individual" in first["next"]
    second = client.get(first["next"]).json()["individuals"]
    assert [p["name"] for p in second["results"]] == ["Person 02", "Person 01", "Person 00"]
    assert second["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        {"country": "ZZ"},
        {"type": "robots"},
        {"before": "abc"},
        {"before": "-5"},
        {"org_before": "1e9"},
        {"q": "x" * 500},
    ],
)
def test_garbage_query_is_a_400_json(client, campaign, query):
    response = client.get(URL, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) <= {"country", "type", "before", "org_before", "q"}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_cache_and_etag_like_other_public_reads(client, campaign):
    signed_and_confirmed(campaign)
    response = client.get(URL)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    again = client.get(URL, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert "Set-Cookie" not in response.headers


def test_unknown_or_draft_campaign_is_404(client, db):
    create_campaign("draft", live=False)
    assert client.get("/api/v1/campaigns/draft/signatories/").status_code == 404
    assert client.get("/api/v1/campaigns/nope/signatories/").status_code == 404


def test_query_count_does_not_grow_with_the_list(client, campaign, django_assert_max_num_queries):
    for n in range(20):
        signed_and_confirmed(campaign, email=f"p{n}@example.org")
    for n in range(5):
        approved_org(campaign, website=f"https://org{n}.example/", contact_email=f"c{n}@o.example")
    # The campaign with its translations and targets, then one query per list.
    with django_assert_max_num_queries(5):
        assert client.get(URL).status_code == 200
