"""GET /api/v1/campaigns/<slug>/commitments/ and its totals: the BDS tracker as JSON."""

import pytest
from django.db.models import Count

from commitments import services as commitment_services
from commitments import tracker
from commitments.models import Commitment
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    divestment,
    moderator_update,
    pledge,
)
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db

Status = Commitment.Status
URL = "/api/v1/campaigns/bds/commitments/"


@pytest.fixture
def drive(db, moderator):
    campaign = create_drive()
    a = approved_pledge(
        campaign,
        boycott(),
        divestment(),
        contact_name="Luz Pérez",
        contact_email="luz@redcomunitaria.example",
    )
    b = approved_pledge(
        campaign,
        boycott(target="", action="Quit every listed company's cloud"),
        website="https://sindicato.example",
        name="Sindicato Digital",
        kind="union",
        country="AR",
        contact_name="Secret Person",
        contact_email="secret@sindicato.example",
    )
    first = a.commitments.order_by("pk").first()
    moderator_update(first, Status.IN_PROGRESS, note="Migration started")
    commitment_services.fulfil_commitment(
        b.commitments.get(), by=moderator, evidence_url="https://sindicato.example/news"
    )
    # Not public: a pledge awaiting confirmation, a pending and a rejected contact update.
    pledge(campaign, boycott(action="Unconfirmed idea"), website="https://pending.example")
    last = a.commitments.order_by("pk").last()
    contact_update(last, Status.FULFILLED, note="Secret draft")
    rejected = contact_update(last, Status.IN_PROGRESS, note="Refused claim")
    commitment_services.review_commitment_update(rejected, accept=False, by=moderator, reason="x")
    return campaign


def test_lists_public_commitments_newest_first_with_their_history(client, drive):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is None
    union, divest, boycott_row = body["results"]
    assert [union["id"], divest["id"], boycott_row["id"]] == sorted(
        [union["id"], divest["id"], boycott_row["id"]], reverse=True
    )
    assert union["organisation"] == {
        "id": union["organisation"]["id"],
        "name": "Sindicato Digital",
        "kind": "union",
        "country": "AR",
        "website": "https://sindicato.example",
        "logo_url": None,
    }
    assert union["target"] is None and union["all_targets"] is True
    assert union["status"] == "fulfilled"
    assert [(h["status"], h["source"], h["evidence_url"]) for h in union["history"]] == [
        ("pledged", "pledge", None),
        ("fulfilled", "moderator", "https://sindicato.example/news"),
    ]
    assert divest["type"] == "divestment"
    assert (divest["amount"], divest["currency"]) == ("250000.00", "EUR")
    assert divest["target"] == {"slug": "meta", "name": "Meta"}
    assert divest["deadline"] is None
    # The pending and the rejected contact updates are not part of the history.
    assert [h["status"] for h in divest["history"]] == ["pledged"]
    assert boycott_row["status"] == "in_progress"
    assert boycott_row["history"][-1]["note"] == "Migration started"
    assert boycott_row["amount"] is None and boycott_row["currency"] is None
    assert (
        boycott_row["deadline"] == Commitment.objects.get(pk=boycott_row["id"]).deadline.isoformat()
    )
    assert set(boycott_row) == {
        "id",
        "campaign",
        "organisation",
        "target",
        "all_targets",
        "type",
        "other_type",
        "action",
        "amount",
        "currency",
        "deadline",
        "status",
        "grade",
        "pledged_at",
        "status_changed_at",
        "fulfilled_at",
        "lapsed_at",
        "history",
    }


def test_nothing_private_is_in_the_list(client, drive):
    content = client.get(URL).content
    for private in (b"@", b"Luz", b"Secret", b"Unconfirmed idea", b"Refused claim"):
        assert private not in content


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=fulfilled", 1),
        ("type=divestment", 1),
        ("type=boycott", 2),
        ("target=alphabet", 1),
        ("target=all", 1),
        ("country=AR", 1),
        ("country=MX", 2),
        ("q=sindicato", 1),
        ("q=pension", 1),
        ("status=lapsed", 0),
    ],
)
def test_filters_are_the_trackers(client, drive, query, expected):
    body = client.get(f"{URL}?{query}").json()
    assert body["count"] == expected
    params = dict(part.split("=") for part in query.split("&"))
    filters = tracker.CommitmentFilters(
        target=params.get("target", ""),
        kind=params.get("type", ""),
        status=params.get("status", ""),
        country=params.get("country", ""),
        q=params.get("q", ""),
    )
    assert [c["id"] for c in body["results"]] == list(
        tracker.filter_commitments(drive, filters).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=done", "status"),
        ("type=lobbying", "type"),
        ("target=sap", "target"),
        ("country=XX", "country"),
        ("q=" + "x" * 101, "q"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=-1", "page_size"),
    ],
)
def test_garbage_filters_are_400_json(client, drive, query, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert response["Cache-Control"] == "no-store"


def test_pages(client, drive):
    body = client.get(f"{URL}?page_size=2&status=").json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"]
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 1
    assert client.get(f"{URL}?page=9").status_code == 404


def test_unknown_draft_and_non_bds_campaigns_are_404(client, drive):
    create_drive("draft-drive", live=False)
    create_campaign("statement")
    for slug in ("nope", "draft-drive", "statement"):
        for path in ("", "totals/"):
            response = client.get(f"/api/v1/campaigns/{slug}/commitments/{path}")
            assert response.status_code == 404, (slug, path)
            assert response.json()["error"]["code"] == "not_found"


def test_public_read_headers_etag_and_cors(client, drive):
    response = client.get(URL)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    again = client.get(URL, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    preflight = client.options(URL)
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers


def test_throttled_like_every_public_read(client, drive, settings):
    settings.API_THROTTLE_RATES = {"public": "2/min"}
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}totals/").status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response["Retry-After"]


def test_query_count_does_not_grow_with_rows(client, drive, django_assert_num_queries):
    # The page, its count, the campaign, the histories' updates and their evidence items.
    with django_assert_num_queries(7):
        client.get(URL)
    for n in range(5):
        approved_pledge(drive, boycott(), website=f"https://more{n}.example")
    with django_assert_num_queries(7):
        assert len(client.get(URL).json()["results"]) == 8


def test_totals_are_the_trackers(client, drive, settings):
    settings.PUBLIC_MIN_COUNT = 1  # every count shown: the small-count rule is tested apart
    body = client.get(f"{URL}totals/").json()
    public = Commitment.objects.filter(pledge__campaign=drive, pledge__status="approved")
    assert body["campaign"] == "bds"
    assert body["total"] == public.count() == 3
    assert body["organisations"] == 2
    assert body["by_status"] == {
        "pledged": 1,
        "agreed_to_review": 0,
        "in_progress": 1,
        "fulfilled": 1,
        "lapsed": 0,
        "withdrawn": 0,
    }
    by_kind = dict(public.values_list("kind").annotate(n=Count("pk")))
    assert body["by_type"] == {"boycott": 2, "divestment": 1, "sanction": 0, "other": 0}
    assert body["by_type"]["boycott"] == by_kind["boycott"]
    assert {(t["target"], t["all_targets"], t["count"]) for t in body["by_target"]} == {
        ("alphabet", False, 1),
        ("meta", False, 1),
        (None, True, 1),
    }
    assert body["by_country"] == [
        {"country": "MX", "count": 2, "fewer_than": None},
        {"country": "AR", "count": 1, "fewer_than": None},
    ]


def test_totals_follow_the_filters_and_reject_garbage(client, drive):
    body = client.get(f"{URL}totals/?country=AR").json()
    assert body["total"] == 1 and body["by_status"]["fulfilled"] == 1
    assert client.get(f"{URL}totals/?status=nope").status_code == 400
