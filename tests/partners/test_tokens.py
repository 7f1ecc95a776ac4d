"""Partner tokens: issue, authenticate, scopes, revocation, isolation between partners."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from partners import services
from partners.models import Partner, PartnerToken, hash_token

pytestmark = pytest.mark.django_db
Scope = PartnerToken.Scope


@pytest.fixture
def partner(campaign):
    partner = Partner.objects.create(name="Allies", organisation="Allied Org", ref="allies-1")
    partner.campaigns.add(campaign)
    return partner


@pytest.fixture
def other_partner(db):
    return Partner.objects.create(name="Others", ref="others")


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_issue_token_stores_only_the_hash(partner):
    token, raw = services.issue_token(partner, name="site", scopes=[Scope.STATS_READ])
    assert raw.startswith("cpt_")
    assert token.token_hash == hash_token(raw)
    assert raw not in str(PartnerToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == raw[:10]


def test_token_needs_known_scopes(partner):
    with pytest.raises(ValidationError):
        services.issue_token(partner, name="x", scopes=[])
    with pytest.raises(ValidationError):
        services.issue_token(partner, name="x", scopes=["admin:all"])


def test_partner_ref_format_and_case_insensitive_uniqueness(partner):
    with pytest.raises(ValidationError):
        Partner(name="Bad", ref="has space").full_clean()
    with pytest.raises(ValidationError):
        Partner(name="Dup", ref="ALLIES-1").full_clean()
    with pytest.raises(IntegrityError):
        Partner.objects.create(name="Dup", ref="ALLIES-1")


def test_stats_with_valid_token(client, partner, campaign):
    _, raw = services.issue_token(partner, name="site", scopes=[Scope.STATS_READ])
    response = client.get("/api/v1/partners/me/stats/", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "partner": {"name": "Allies", "organisation": "Allied Org", "ref": "allies-1"},
        "scopes": ["stats:read"],
        "totals": {
            "signatures": {"pending": 0, "confirmed": 0},
            "organisations": {"pending": 0, "approved": 0},
            "donations": 0,
        },
        "campaigns": [
            {
                "slug": "refuse",
                "title": "Campaign refuse",
                "browser_url": "http://testserver/c/refuse/?ref=allies-1",
                "referred_signatures": 0,
                "signatures": {"pending": 0, "confirmed": 0},
                "organisations": {"pending": 0, "approved": 0},
                "donations": 0,
            }
        ],
    }
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in response


def test_partners_see_only_their_own_figures(client, partner, other_partner):
    _, raw = services.issue_token(other_partner, name="x", scopes=[Scope.STATS_READ])
    body = client.get("/api/v1/partners/me/stats/", headers=bearer(raw)).json()
    assert body["partner"]["ref"] == "others"
    assert body["campaigns"] == []


@pytest.mark.parametrize(
    "headers, detail",
    [
        ({}, "A partner token is required."),
        (bearer("cpt_not-a-real-token"), "Invalid token."),
        ({"Authorization": "Token abc"}, "Use: Authorization: Bearer <token>."),
        ({"Authorization": "Bearer"}, "Invalid token header."),
        ({"Authorization": "Bearer a b"}, "Invalid token header."),
    ],
)
def test_missing_or_invalid_token_is_401_json(client, partner, headers, detail):
    response = client.get("/api/v1/partners/me/stats/", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"]["status"] == 401
    assert response.json()["error"]["detail"] == detail


def test_revoked_token_is_401(client, partner):
    token, raw = services.issue_token(partner, name="site", scopes=[Scope.STATS_READ])
    assert client.get("/api/v1/partners/me/stats/", headers=bearer(raw)).status_code == 200
    services.revoke_token(token)
    response = client.get("/api/v1/partners/me/stats/", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["detail"] == "This token has been revoked."


def test_wrong_scope_is_403_json(client, partner):
    _, raw = services.issue_token(partner, name="hooks", scopes=[Scope.WEBHOOKS_MANAGE])
    response = client.get("/api/v1/partners/me/stats/", headers=bearer(raw))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "detail": "This token lacks the 'stats:read' scope.",
    }


def test_partner_requests_are_throttled_per_token(client, partner, settings):
    settings.API_THROTTLE_RATES = {"partner": "2/min"}
    _, first = services.issue_token(partner, name="a", scopes=[Scope.STATS_READ])
    _, second = services.issue_token(partner, name="b", scopes=[Scope.STATS_READ])
    for _ in range(2):
        assert client.get("/api/v1/partners/me/stats/", headers=bearer(first)).status_code == 200
    assert client.get("/api/v1/partners/me/stats/", headers=bearer(first)).status_code == 429
    assert client.get("/api/v1/partners/me/stats/", headers=bearer(second)).status_code == 200


def test_public_endpoints_ignore_tokens(client, campaign):
    response = client.get("/api/v1/campaigns/", headers=bearer("cpt_garbage"))
    assert response.status_code == 200
