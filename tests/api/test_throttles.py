"""The public API throttle keys on the same client address as the sign form."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.API_THROTTLE_RATES = {"public": "3/min", "partner": "600/min"}


def test_a_forged_forwarded_for_header_does_not_buy_more_requests(client, campaign, three_a_minute):
    answers = [
        client.get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]


def test_behind_our_own_proxy_each_client_has_its_own_allowance(
    client, campaign, three_a_minute, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        assert client.get(
            "/api/v1/campaigns/", HTTP_X_FORWARDED_FOR="198.51.100.7"
        ).status_code == (200)
    assert client.get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # The proxy appends the real address; whatever the client wrote before it is ignored.
    forged = "198.51.100.99, 198.51.100.7"
    assert client.get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR=forged).status_code == 429
    assert client.get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200
