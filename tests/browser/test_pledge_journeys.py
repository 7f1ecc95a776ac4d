"""Supporters, organisations and moderators through the real browser: signing in Spanish,
an organisational sign-on, and a BDS commitment from pledge to fulfilment."""

from django.conf import settings
from django.utils import translation

from commitments.models import CommitmentPledge, CommitmentUpdate
from lib.mailboxes import email_hash
from pledges.models import OrgPledge, Signature
from tests.browser.conftest import ForeignRequests
from tests.commitments.helpers import create_drive
from tests.conftest import create_campaign
from tests.pledges.conftest import signed_and_confirmed

ADMIN = f"/{settings.ADMIN_PATH}"


def counter(page) -> int:
    """The first figure on a campaign page (signatures), as a number."""
    text = page.locator(".figure-count strong").first.inner_text()
    return int("".join(ch for ch in text if ch.isdigit()))


def fill_organisation(page, *, name: str, website: str, contact: str, email: str) -> None:
    page.locator("#id_name").fill(name)
    page.locator("#id_kind").select_option("ngo")
    page.locator("#id_country").select_option("PS")
    page.locator("#id_website").fill(website)
    page.locator("#id_contact_name").fill(contact)
    page.locator("#id_contact_email").fill(email)


def run_admin_action(page, site, changelist: str, pk: int, action: str, done: str) -> None:
    page.goto(f"{site.url}{ADMIN}{changelist}")
    page.locator(f"input[name=_selected_action][value='{pk}']").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()
    page.get_by_text(done).wait_for()


def test_supporter_signs_in_spanish_confirms_by_email_and_the_counter_moves(
    page, site, emailed_link, screenshot
):
    campaign = create_campaign(
        "refuse",
        signature_goal=1000,
        translations={"es": {"title": "Rechazamos", "summary": "Resumen"}},
    )
    for n in range(2):
        signed_and_confirmed(campaign, email=f"earlier{n}@example.org")

    page.goto(f"{site.url}/es/c/refuse/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Rechazamos"
    before = counter(page)
    assert before == 2

    page.locator("#id_name").fill("Ana Martínez")
    page.locator("#id_email").fill("Ana@Example.org")
    page.locator("#id_country").select_option("ES")
    assert page.locator("#id_language").input_value() == "es"
    page.locator("#id_show_publicly").check()
    page.locator("#sign button[type=submit]").click()
    page.wait_for_url(f"{site.url}/es/c/refuse/sign/check-your-email/")

    link = emailed_link("ana@example.org", "/confirm/")
    page.goto(link)
    assert Signature.objects.get(email_hash=email_hash("ana@example.org")).status == "pending", (
        "opening the link alone changes nothing"
    )
    page.locator("main form button[type=submit]").click()
    with translation.override("es"):
        thanks = translation.gettext("Thank you: your signature is confirmed")
    assert page.locator("h1").inner_text() == thanks

    page.goto(f"{site.url}/es/c/refuse/")
    assert counter(page) == before + 1
    screenshot("supporter-signs-in-spanish")


def test_organisation_signs_on_confirms_is_approved_and_listed(
    page, site, staff_page, moderator, emailed_link, screenshot
):
    create_campaign("refuse", signature_goal=1000, organisation_goal=50)

    page.goto(f"{site.url}/c/refuse/organisations/sign/")
    fill_organisation(
        page,
        name="Gaza Digital Rights Collective",
        website="https://gdrc.example/",
        contact="Private Contact Person",
        email="contact@gdrc.example",
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site.url}/c/refuse/organisations/sign/check-your-email/")

    page.goto(emailed_link("contact@gdrc.example", "/confirm-contact/"))
    page.locator("main form button[type=submit]").click()
    pledge = OrgPledge.objects.get(organisation__domain="gdrc.example")
    pledge.refresh_from_db()
    assert pledge.status == OrgPledge.Status.AWAITING_MODERATION

    page.goto(f"{site.url}/c/refuse/signatories/")
    assert "Gaza Digital Rights Collective" not in page.locator("main").inner_text()

    staff_page(moderator)
    run_admin_action(page, site, "pledges/orgpledge/", pledge.pk, "approve", "1 sign-on approved.")

    page.goto(f"{site.url}/c/refuse/signatories/")
    listed = page.locator("main").inner_text()
    assert "Gaza Digital Rights Collective" in listed
    assert "Private Contact Person" not in page.content()
    screenshot("organisation-listed-after-approval")


def test_commitment_pledged_confirmed_approved_reported_fulfilled_and_tracked(
    page, site, browser, allowed_origins, staff_page, moderator, emailed_link, screenshot
):
    create_drive("bds")

    page.goto(f"{site.url}/c/bds/commitments/pledge/")
    fill_organisation(
        page,
        name="Union of Cloud Refusers",
        website="https://refusers.example/",
        contact="Hidden Contact",
        email="contact@refusers.example",
    )
    page.locator("#id_commitments-0-target").select_option("alphabet")
    page.locator("#id_commitments-0-kind").select_option("boycott")
    page.locator("#id_commitments-0-action").fill("Move our staff email off Gmail")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site.url}/c/bds/commitments/pledge/check-your-email/")

    page.goto(emailed_link("contact@refusers.example", "/confirm-contact/"))
    page.locator("main form button[type=submit]").click()
    pledge = CommitmentPledge.objects.get(organisation__domain="refusers.example")

    staff_page(moderator)
    run_admin_action(page, site, "commitments/commitmentpledge/", pledge.pk, "approve", "approved.")

    # The contact, in their own browser, reports through the link in the approval email.
    contact_context = browser.new_context()
    contact = contact_context.new_page()
    foreign = ForeignRequests(allowed_origins)
    contact.on("request", foreign)
    try:
        contact.goto(emailed_link("contact@refusers.example", "/commitments/report/"))
        contact.locator("main form select[name=status]").select_option("fulfilled")
        contact.locator("main form textarea[name=note]").fill("All staff moved on 1 March.")
        contact.locator("main form button[type=submit]").click()
        update = CommitmentUpdate.objects.get(commitment__pledge=pledge)
        assert update.review == CommitmentUpdate.Review.PENDING

        contact.goto(f"{site.url}/c/bds/tracker/")
        assert contact.locator(".status-fulfilled").count() == 0

        run_admin_action(
            page,
            site,
            "commitments/commitmentupdate/",
            update.pk,
            "accept",
            "1 update accepted.",
        )

        contact.goto(f"{site.url}/c/bds/tracker/")
        assert contact.locator(".status-fulfilled").count() >= 1
        assert "Union of Cloud Refusers" in contact.locator("main").inner_text()
        assert "Hidden Contact" not in contact.content()
        screenshot("commitment-fulfilled-on-tracker", contact)
    finally:
        contact_context.close()
    assert not foreign, foreign
