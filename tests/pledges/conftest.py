"""Helpers for the pledge tests: signing and confirming through our own services."""

import re

import pytest
from django.core import mail

from pledges import contact, services
from pledges.abuse import Client
from pledges.services import OrgSignOnData, SignatureData
from tests.conftest import run_tasks


def signature_data(**overrides) -> SignatureData:
    values = {
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "country": "KE",
        "language": "en",
        "affiliation": "",
        "show_publicly": True,
        "updates_consent": False,
    }
    values.update(overrides)
    return SignatureData(**values)


def sign(campaign, *, ip: str = "", **overrides):
    client = Client(ip_hash=ip)
    return services.sign(campaign, signature_data(**overrides), client=client)


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def link_to(message, fragment: str) -> str:
    """The path of the first link in `message` containing `fragment`."""
    for link in links_in(message):
        if fragment in link:
            return link.removeprefix("http://testserver")
    raise AssertionError(f"no {fragment} link in: {message.body}")


def last_email_to(address: str):
    run_tasks()
    for message in reversed(mail.outbox):
        if address in message.to:
            return message
    raise AssertionError(f"no email to {address}")


def signed_and_confirmed(campaign, **overrides):
    result = sign(campaign, **overrides)
    signature, _ = services.confirm_signature(result.signature.pk)
    return signature


def org_data(**overrides) -> OrgSignOnData:
    values = {
        "name": "Red Comunitaria",
        "kind": "community_network",
        "country": "MX",
        "website": "https://www.redcomunitaria.example/",
        "contact_name": "Luz Pérez",
        "contact_email": "luz@redcomunitaria.example",
        "contact_language": "es",
        "logo_png": None,
    }
    values.update(overrides)
    return OrgSignOnData(**values)


def approved_org(campaign, *, moderator=None, **overrides):
    result = services.sign_on(campaign, org_data(**overrides))
    pledge, _ = contact.confirm_contact(result.pledge)
    return contact.approve(pledge, by=moderator)


@pytest.fixture
def rate_limits(settings):
    """Small limits so a test can cross them."""
    settings.PLEDGE_RATE_LIMITS = {"ip": (3, 3600), "email": (3, 3600), "domain": (5, 3600)}
    return settings.PLEDGE_RATE_LIMITS
