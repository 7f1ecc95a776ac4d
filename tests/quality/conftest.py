"""Fixtures for the hostile-input and leak tests: Stripe's API intercepted, limits lifted."""

import itertools
import json

import pytest
import responses

from tests.conftest import create_campaign
from tests.donations.stripe_events import WEBHOOK_SECRET

_sessions = itertools.count()


@pytest.fixture
def no_rate_limits(settings):
    """Lift the per-IP/email/domain limits so many submissions from one test client count."""
    limit = (10**6, 3600)
    settings.PLEDGE_RATE_LIMITS = {"ip": limit, "email": limit, "domain": limit}


@pytest.fixture
def stripe_api(settings):
    """Fake Stripe keys; Checkout Session creation answered by `responses`, nothing else."""
    settings.STRIPE_SECRET_KEY = "sk_test_hostile"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:

        def new_session(request):
            # Stripe gives every Checkout Session its own id.
            session_id = f"cs_test_hostile_{next(_sessions)}"
            url = f"https://checkout.stripe.com/c/pay/{session_id}"
            body = {"id": session_id, "object": "checkout.session", "url": url}
            return 200, {}, json.dumps(body)

        api.add_callback(
            responses.POST, "https://api.stripe.com/v1/checkout/sessions", callback=new_session
        )
        yield api


@pytest.fixture
def statement(db):
    return create_campaign("refuse", signature_goal=1000, organisation_goal=50)
