"""A moderator works the sign-on queue in the browser: from the staff area to the queue, the
oldest sign-on's own page, "Approve and next" by keyboard, the next sign-on, and the approved
organisation on the public signatory list. axe-core finds nothing serious on the pages."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from pledges.models import OrgPledge
from tests.conftest import create_campaign
from tests.workspace.conftest import waiting_sign_on

ADMIN = f"/{settings.ADMIN_PATH}"


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected with a script tag, which our strict CSP would rightly block.
    return {**browser_context_args, "bypass_csp": True}


def test_a_moderator_approves_a_sign_on_from_its_page_and_lands_on_the_next(
    page, site, staff_page, moderator, axe_check, screenshot
):
    statement = create_campaign("refuse", signature_goal=1000, organisation_goal=50)
    with time_machine.travel(timezone.now() - timedelta(days=12), tick=False):
        oldest = waiting_sign_on(
            statement,
            name="Gaza Digital Rights Collective",
            website="https://gdrc.example/",
            contact_name="Private Contact Person",
            contact_email="contact@gdrc.example",
        )
    newer = waiting_sign_on(
        statement,
        name="Cloud Refusers Union",
        website="https://refusers.example/",
        contact_email="contact@refusers.example",
    )

    staff_page(moderator)
    menu = page.locator("nav.staff-menu")
    assert "2 waiting" in menu.inner_text()
    menu.get_by_role("link", name="Staff home").click()
    page.get_by_role("link", name="Organisational sign-ons").first.click()
    page.wait_for_url(f"{site.url}{ADMIN}workspace/moderation/sign-ons/")
    items = page.locator("li.queue-item")
    assert items.count() == 2
    first = items.first
    assert "Gaza Digital Rights Collective" in first.inner_text()  # oldest first
    assert "nearly overdue" in first.inner_text()
    assert axe_check() == []

    first.get_by_role("link").click()
    page.wait_for_url(f"{site.url}{ADMIN}workspace/moderation/sign-ons/{oldest.pk}/")
    preview = page.locator(".item-preview")
    assert "Gaza Digital Rights Collective" in preview.inner_text()
    assert "gdrc.example" in preview.inner_text()
    assert "Private Contact Person" not in page.content()
    assert axe_check() == []
    screenshot("moderation-sign-on-page")

    # Keyboard: the first button of the decision panel, then Enter.
    button = page.get_by_role("button", name="Approve and next")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}{ADMIN}workspace/moderation/sign-ons/{newer.pk}/")
    assert "Approved" in page.locator(".messagelist").inner_text()
    assert "Cloud Refusers Union" in page.locator("h1").inner_text()
    assert "1 waiting" in page.locator("nav.staff-menu").inner_text()
    oldest.refresh_from_db()
    assert oldest.status == OrgPledge.Status.APPROVED
    assert oldest.moderated_by == moderator

    page.goto(f"{site.url}/c/refuse/signatories/")
    listed = page.locator("main").inner_text()
    assert "Gaza Digital Rights Collective" in listed
    assert "Cloud Refusers Union" not in listed
    screenshot("moderation-approved-and-listed")


def test_rejecting_needs_a_reason_in_the_browser_too(page, site, staff_page, moderator):
    statement = create_campaign("refuse", organisation_goal=50)
    pledge = waiting_sign_on(statement)
    staff_page(moderator)
    page.goto(f"{site.url}{ADMIN}workspace/moderation/sign-ons/{pledge.pk}/")
    page.get_by_role("button", name="Reject and next").click()  # the browser asks first
    assert page.url.endswith(f"/sign-ons/{pledge.pk}/")
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.AWAITING_MODERATION
    page.get_by_label("Reason for rejecting").fill("We could not find this organisation.")
    page.get_by_role("button", name="Reject and next").click()
    page.wait_for_url(f"{site.url}{ADMIN}workspace/moderation/sign-ons/")
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.REJECTED
