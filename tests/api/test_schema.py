"""The OpenAPI schema, its interactive explorer, and schemathesis over every operation."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from partners import services
from partners.models import Partner, PartnerToken
from tests.commitments.helpers import approved_pledge, boycott, create_drive, divestment
from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_our_paths(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{slug}/",
        "/api/v1/campaigns/{slug}/progress/",
        "/api/v1/campaigns/{slug}/signatories/",
        "/api/v1/campaigns/{slug}/signatures/",
        "/api/v1/partners/me/signers/",
        "/api/v1/open-books/",
        "/api/v1/open-data/organisations.csv",
        "/api/v1/targets/",
        "/api/v1/targets/{slug}/",
        "/api/v1/campaigns/{slug}/commitments/",
        "/api/v1/campaigns/{slug}/commitments/totals/",
        "/api/v1/open-data/commitments.csv",
        "/api/v1/partners/me/stats/",
        "/oembed",
    ]:
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["partnerToken"]["scheme"] == "bearer"


def test_interactive_explorer_uses_only_our_origin(client, db):
    response = client.get("/api/docs/explorer/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert "https://" not in body.replace("https://creativecommons.org", "")
    assert "unpkg" not in body and "cdn" not in body
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    script = client.get("/api/docs/explorer/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


@pytest.fixture
def keep_connection_open():
    """Like Django's test client: requests through the WSGI app must not close the
    test's database connection (PostgreSQL would lose the test transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(db, settings, keep_connection_open):
    settings.API_THROTTLE_RATES = {
        "public": "100000/min",
        "partner": "100000/min",
        "partner_sign": "100000/min",
    }
    campaign = create_campaign("refuse", signature_goal=100)
    # Tracker data, so that target and commitment answers are checked against the schema.
    drive = create_drive()
    approved_pledge(drive, boycott(), divestment(), boycott(target=""))
    partner = Partner.objects.create(name="Allies", ref="allies")
    partner.campaigns.add(campaign)
    _, raw = services.issue_token(partner, name="all", scopes=PartnerToken.Scope.values)
    return schemathesis.openapi.from_wsgi("/api/schema/", application), raw


@pytest.mark.django_db(transaction=False)
def test_every_operation_survives_generated_input(api_schema):
    api_schema, token = api_schema
    headers = {"Accept-Encoding": "identity", "Authorization": f"Bearer {token}"}
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(
            max_examples=25,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case):
            # Identity encoding: the WSGI test client does not gunzip.
            response = case.call(headers=headers)
            checks = [not_a_server_error, response_schema_conformance]
            if (case.query or {}).get("format") == "xml" and case.path == "/oembed":
                # oEmbed's answer for a format it does not offer is 501, by its spec
                # (or 400 when other parameters are invalid too).
                assert response.status_code in (400, 501)
                checks = [response_schema_conformance]
            case.validate_response(response, checks=checks)

        try:
            check()
        except Exception as exc:  # collect every failing operation, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_schema_generates_without_warnings(db):
    """Every view, parameter and enum is described (e.g. no colliding enum names)."""
    import io

    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())
