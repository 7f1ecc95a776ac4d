"""Items waiting in each moderation queue, built through our own services."""

import pytest
from django.conf import settings

from commitments.models import Commitment
from pledges import contact
from pledges import services as pledge_services
from pledges.abuse import Client
from tests.commitments.helpers import approved_commitment, contact_update, create_drive, pledge
from tests.conftest import create_campaign, verified_login
from tests.pledges.conftest import org_data, signature_data

WORKSPACE = f"/{settings.ADMIN_PATH}workspace/"


def queue_url(slug: str, state: str = "") -> str:
    return f"{WORKSPACE}moderation/{slug}/" + (f"?state={state}" if state else "")


def item_url(slug: str, pk: int) -> str:
    return f"{WORKSPACE}moderation/{slug}/{pk}/"


def decide_url(slug: str, pk: int) -> str:
    return f"{item_url(slug, pk)}decide/"


def waiting_sign_on(campaign, **overrides):
    """A sign-on its contact confirmed: it waits for moderation."""
    result = pledge_services.sign_on(campaign, org_data(**overrides))
    confirmed, _ = contact.confirm_contact(result.pledge)
    return confirmed


def waiting_commitment_pledge(drive, *rows, **overrides):
    result = pledge(drive, *rows, **overrides)
    confirmed, _ = contact.confirm_contact(result.pledge)
    return confirmed


def waiting_update(drive, *, status=Commitment.Status.IN_PROGRESS, evidence_url="", **overrides):
    """A contact's update to an approved commitment: it waits for review."""
    commitment = approved_commitment(drive, **overrides)
    return contact_update(
        commitment, status, note="Half the staff moved.", evidence_url=evidence_url
    )


def suspect_signature(campaign, **overrides):
    """A signature over the (test's) address limit: held as suspect."""
    return pledge_services.sign(
        campaign, signature_data(**overrides), client=Client(ip_hash="burst-address")
    ).signature


@pytest.fixture
def hold_every_address(settings):
    """Every signature from an address is over its limit: suspect."""
    settings.PLEDGE_RATE_LIMITS = {"ip": (0, 3600), "email": (100, 3600), "domain": (1000, 3600)}


@pytest.fixture
def statement(db):
    return create_campaign("refuse", organisation_goal=50)


@pytest.fixture
def drive(db):
    return create_drive("bds")


@pytest.fixture
def everything_waits(statement, drive, hold_every_address):
    """One waiting item in every queue."""
    return {
        "sign-ons": waiting_sign_on(statement),
        "commitment-pledges": waiting_commitment_pledge(
            drive,
            name="Cloud Refusers",
            website="https://refusers.example/",
            contact_email="c@refusers.example",
        ),
        "commitment-updates": waiting_update(
            drive, name="Union Uno", website="https://uno.example/", contact_email="u@uno.example"
        ),
        "suspect-signatures": suspect_signature(statement, email="burst@example.org"),
        "target-replies": waiting_reply(),
    }


def waiting_reply():
    """A target's reply that Communications recorded, waiting for a moderator."""
    from datetime import date

    from campaigns.models import Target
    from tests.campaigns.replies_helpers import ask, reply_to

    request = ask(Target.objects.get(slug="meta"), date(2026, 3, 3))
    return reply_to(request, date(2026, 3, 18), url="https://about.example.com/reply")


@pytest.fixture
def moderator_client(client, moderator):
    return verified_login(client, moderator)
