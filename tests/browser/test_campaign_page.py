"""The campaign page as a visitor first sees it: the ask on the first screen, in every layout.

Titles and summaries are as long as real ones (the demo's), in each language, so a layout that
only works for short English text fails here.
"""

import pytest

from tests.conftest import create_campaign
from tests.pledges.conftest import signed_and_confirmed

TEXTS = {
    "en": (
        "We refuse Big Tech's data extraction",
        "A sign-on letter from technology groups who will not sell out their communities.",
    ),
    "es": (
        "Rechazamos la extracción de datos de las grandes tecnológicas",
        "Una carta abierta de grupos tecnológicos que no venderán a sus comunidades.",
    ),
    "ar": (
        "نرفض استخراج البيانات من قبل شركات التكنولوجيا الكبرى",
        "رسالة مفتوحة من مجموعات تقنية لن تبيع مجتمعاتها.",
    ),
}
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def statement(db):
    title, summary = TEXTS["en"]
    campaign = create_campaign(
        "refuse",
        title=title,
        summary=summary,
        statement="We are technology groups.\n\n" + "We **refuse** to hand over data. " * 40,
        signature_goal=10_000,
        organisation_goal=500,
        translations={
            language: {"title": t, "summary": s, "statement": "…"}
            for language, (t, s) in TEXTS.items()
            if language != "en"
        },
    )
    for n in range(3):
        signed_and_confirmed(campaign, email=f"early{n}@example.org", show_publicly=True)
    return campaign


def prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


@pytest.mark.parametrize("language", list(TEXTS))
@pytest.mark.parametrize("layout", list(VIEWPORTS))
def test_the_sign_button_is_on_the_first_screen_and_nothing_scrolls_sideways(
    browser, site, statement, language, layout, screenshot
):
    width, height = VIEWPORTS[layout]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{site.url}{prefix(language)}/c/refuse/")
    button = page.locator("button.sign-button").bounding_box()
    assert button is not None
    assert button["y"] >= 0 and button["y"] + button["height"] <= height, (
        f"the sign button ends at {button['y'] + button['height']:.0f} px, below the first "
        f"screen of {height} px"
    )
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    # The counter is seen before the form.
    count = page.locator(".action-box .figure-count").bounding_box()
    assert count["y"] < button["y"]
    screenshot(f"campaign-page-{language}-{layout}", page)
    context.close()


def test_on_a_wide_arabic_page_the_action_box_is_on_the_left(browser, site, statement):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site.url}/ar/c/refuse/")
    box = page.locator(".action-box").bounding_box()
    title = page.locator("h1").bounding_box()
    assert box["x"] + box["width"] <= title["x"], "the columns mirror right to left"
    page.goto(f"{site.url}/c/refuse/")
    box = page.locator(".action-box").bounding_box()
    title = page.locator("h1").bounding_box()
    assert title["x"] + title["width"] <= box["x"]
    context.close()


def test_the_page_works_without_javascript_and_offers_copy_and_share_with_it(
    browser, site, statement
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.url}/c/refuse/")
    assert page.locator("button[data-copy]").is_hidden()  # nothing that cannot work
    assert page.locator(".share-links a").count() >= 4
    context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/c/refuse/")
    assert page.locator("button[data-copy]").is_visible()
    context.close()


def test_a_form_error_stays_on_the_campaign_page_with_a_summary_linking_to_the_field(
    browser, site, statement
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site.url}/es/c/refuse/")
    page.locator("#id_name").fill("Ana")
    page.locator("#id_email").fill("not-an-email")
    page.locator("button.sign-button").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == TEXTS["es"][0], "still the campaign page"
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    link = summary.locator('a[href="#id_email"]')
    assert link.count() == 1
    assert page.locator("#id_name").input_value() == "Ana", "what was typed is kept"
    link.click()
    assert page.evaluate("document.activeElement.id") in ("id_email", "")
    assert page.evaluate("location.hash") == "#id_email"
    context.close()


def test_after_confirming_the_page_offers_sharing_then_giving(page, site, statement, emailed_link):
    from tests.conftest import create_campaign

    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=500_000, fundraising_currency="EUR"
    )
    page.goto(f"{site.url}/c/refuse/")
    page.locator("#id_name").fill("Amina Yusuf")
    page.locator("#id_email").fill("amina@example.org")
    page.locator("#id_country").select_option("KE")
    page.locator("button.sign-button").click()
    page.wait_for_url(f"{site.url}/c/refuse/sign/check-your-email/")
    assert page.locator("#share-url").input_value() == f"{site.url}/c/refuse/"
    page.goto(emailed_link("amina@example.org", "/confirm/"))
    page.locator("main form button[type=submit]").click()
    page.locator("#next-heading").wait_for()
    assert "You and about 3 others have signed" in page.locator("main").inner_text()
    assert page.locator("button[data-copy]").is_visible()
    assert page.locator('main a[href="/c/fund/donate/"]').is_visible()
