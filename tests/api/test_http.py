"""CORS, caching, ETag/304, throttling and error bodies of the public API."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/api/v1/campaigns/",
    "/api/v1/campaigns/refuse/",
    "/api/v1/campaigns/refuse/progress/",
    "/api/v1/targets/",
    "/api/v1/open-data/campaigns.json",
    "/api/v1/open-data/campaigns.csv",
    "/oembed?url=http://testserver/c/refuse/&format=json",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_endpoints_are_cors_open_and_cacheable(client, campaign, path):
    response = client.get(path, headers={"Origin": "https://partner.example"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=" in cache_control
    assert "stale-while-revalidate=" in cache_control
    assert response["ETag"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", PUBLIC)
def test_matching_etag_gets_304(client, campaign, path):
    etag = client.get(path)["ETag"]
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] == etag


def test_progress_cache_is_short(client, campaign, settings):
    response = client.get("/api/v1/campaigns/refuse/progress/")
    assert f"max-age={settings.COUNTER_CACHE_SECONDS}" in response["Cache-Control"]


def test_preflight_is_answered(client, campaign):
    response = client.options(
        "/api/v1/campaigns/refuse/progress/",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_writes_to_public_endpoints_are_405_json(client, campaign):
    response = client.post("/api/v1/campaigns/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_anonymous_readers_are_throttled_per_ip(client, campaign, settings):
    settings.API_THROTTLE_RATES = {"public": "2/min"}
    for _ in range(2):
        assert client.get("/api/v1/campaigns/").status_code == 200
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response["Retry-After"]
    other_ip = client.get("/api/v1/campaigns/", REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 200


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/v1/campaigns/?page=abc", "page"),
        ("/api/v1/campaigns/?page=0", "page"),
        ("/api/v1/campaigns/?page_size=-1", "page_size"),
        ("/api/v1/campaigns/?lang=xx", "lang"),
        ("/api/v1/campaigns/?kind=evil", "kind"),
        ("/api/v1/campaigns/refuse/?lang=xx", "lang"),
        ("/api/v1/campaigns/refuse/progress/?lang=%00", "lang"),
        ("/api/v1/targets/?country=USA", "country"),
        ("/oembed", "url"),
        ("/oembed?url=x&maxwidth=abc", "maxwidth"),
    ],
)
def test_invalid_query_parameters_are_400_json(client, campaign, path, field):
    response = client.get(path)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_page_past_the_end_is_404_json(client, campaign):
    response = client.get("/api/v1/campaigns/?page=99")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/", "/api/v2/campaigns/", "/api/v1/nothing", "/api/v1/x/y/"])
def test_unknown_api_paths_are_json_404(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "status": 404,
        "code": "not_found",
        "detail": "No such API endpoint.",
    }


def test_accept_header_does_not_break_json(client, campaign):
    response = client.get("/api/v1/campaigns/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_missing_trailing_slash_is_explained(client, campaign):
    response = client.get("/api/v1/campaigns")
    assert response.status_code == 404
    assert response.json()["error"]["detail"].endswith("API paths end with a slash.")
