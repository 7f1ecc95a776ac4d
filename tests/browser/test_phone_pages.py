"""Every public page on a phone, in English, Spanish and Arabic: nothing scrolls sideways, the
chart's labels are inside the chart, the country options speak the page's language."""

import pytest

from tests.commitments.helpers import approved_commitment, create_drive
from tests.conftest import create_campaign
from tests.pledges.conftest import signed_and_confirmed

PAGES = [
    "/",
    "/c/refuse/",
    "/c/refuse/signatories/",
    "/c/refuse/sign/check-your-email/",
    "/c/bds/",
    "/c/bds/tracker/",
    "/c/fund/",
    "/c/fund/donate/",
    "/donate/",
    "/open-books/",
    "/privacy/",
    "/my-data/",
    "/partners/",
    "/api/docs/",
]
LANGUAGES = {"en": "", "es": "/es", "ar": "/ar"}


@pytest.fixture
def public_site(db):
    campaign = create_campaign(
        "refuse",
        title="We refuse Big Tech's data extraction, and we say so together",
        signature_goal=1000,
    )
    for n in range(6):
        signed_and_confirmed(campaign, email=f"s{n}@example.org", show_publicly=True)
    drive = create_drive()
    approved_commitment(drive)
    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=5_000_000, fundraising_currency="EUR"
    )
    return campaign


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_public_page_scrolls_sideways_on_a_phone(browser, site, public_site, language):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide = []
    for path in PAGES:
        response = page.goto(f"{site.url}{LANGUAGES[language]}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 390:
            wide.append((path, width))
    assert wide == []
    context.close()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_chart_labels_are_inside_the_chart(browser, site, public_site, language):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site.url}{LANGUAGES[language]}/c/refuse/")
    chart = page.locator("svg.chart").first.bounding_box()
    labels = page.locator("svg.chart text")
    assert labels.count() >= 2
    for index in range(labels.count()):
        box = labels.nth(index).bounding_box()
        assert box["x"] >= chart["x"] - 0.5, labels.nth(index).text_content()
        assert box["x"] + box["width"] <= chart["x"] + chart["width"] + 0.5
        assert box["y"] + box["height"] <= chart["y"] + chart["height"] + 0.5
    context.close()


@pytest.mark.parametrize(
    "language, spain, kenya", [("en", "Spain", "Kenya"), ("es", "España", "Kenia")]
)
def test_the_country_options_speak_the_pages_language(
    browser, site, public_site, language, spain, kenya
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}{LANGUAGES[language]}/c/refuse/")
    options = page.locator("#id_country option").all_text_contents()
    assert spain in options and kenya in options
    page.goto(f"{site.url}/ar/c/refuse/")
    assert "كينيا" in page.locator("#id_country option").all_text_contents()
    context.close()
