"""Communications opens a draft's staff page, previews it in Spanish in the phone-sized
frame, presses Publish now, confirms, and the public sees it live."""

from django.conf import settings

from campaigns.models import Campaign
from tests.browser.conftest import AXE_JS
from tests.conftest import create_campaign

ADMIN = f"/{settings.ADMIN_PATH}"


def test_comms_previews_on_a_phone_publishes_and_the_public_sees_it(
    page, site, staff_page, comms, browser, screenshot
):
    campaign = create_campaign(
        "leave-the-cloud",
        live=False,
        title="Leave the cloud",
        summary="Move off Big Tech clouds.",
        call_to_action="Sign",
        translations={
            "es": {
                "title": "Salir de la nube",
                "summary": "Salir de las nubes de Big Tech.",
                "statement": "**Salimos**.",
                "call_to_action": "Firma",
            }
        },
    )
    staff_page(comms)

    # The draft's own page: its status, the buttons, the previews.
    page.goto(f"{site.url}{ADMIN}campaigns/campaign/{campaign.pk}/change/")
    tools = page.locator(".campaign-tools")
    assert "Draft" in tools.inner_text()
    screenshot("comms-campaign-page")

    # Phone-sized, in Spanish: the real public page in a 390 × 844 frame.
    tools.locator(".campaign-previews").nth(1).get_by_role("link", name="es").click()
    page.wait_for_url(f"**/campaigns/campaign/{campaign.pk}/phone/?lang=es")
    frame = page.locator(".phone-frame iframe")
    box = frame.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (390, 844)
    inside = page.frame_locator(".phone-frame iframe")
    assert inside.locator("h1").inner_text() == "Salir de la nube"
    assert inside.locator(".notice").first.is_visible()  # the preview banner
    assert inside.locator("form[action='/es/c/leave-the-cloud/sign/']").count() == 1
    # Nothing in the frame scrolls sideways at phone width.
    width = inside.locator("html").evaluate("e => e.scrollWidth")
    assert width <= 390
    screenshot("comms-phone-preview-es")

    # Publish now: a confirmation saying what will happen, then the move.
    page.goto(f"{site.url}{ADMIN}campaigns/campaign/{campaign.pk}/change/")
    page.locator(".campaign-buttons").get_by_role("link", name="Publish now").click()
    page.get_by_text("Goes live now in English and Spanish.").wait_for()
    assert page.get_by_text("The sign form opens at once.").is_visible()
    screenshot("comms-confirm-publish")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT  # not until confirmed
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url(f"**/campaigns/campaign/{campaign.pk}/change/")
    page.get_by_text("“Leave the cloud” is live.").wait_for()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE

    # A member of the public, in a fresh browser without the staff session.
    public = browser.new_context()
    try:
        visitor = public.new_page()
        response = visitor.goto(f"{site.url}/es/c/leave-the-cloud/")
        assert response.status == 200
        assert visitor.locator("h1").inner_text() == "Salir de la nube"
        assert visitor.locator(".notice").count() == 0
        assert visitor.get_by_role("button", name="Firma la declaración").is_visible()
        screenshot("public-sees-published-campaign", visitor)
    finally:
        public.close()


def test_the_campaign_staff_pages_have_no_serious_accessibility_violations(
    page, site, staff_page, comms, browser
):
    campaign = create_campaign(
        "check-me",
        live=False,
        translations={"ar": {"title": "تحقق", "statement": "نص"}, "es": {"title": "Mírame"}},
    )
    staff_page(comms)
    # axe is injected as a script: this context skips the CSP (as test_accessibility.py does).
    checking = browser.new_context(bypass_csp=True, storage_state=page.context.storage_state())
    try:
        tab = checking.new_page()
        base = f"{site.url}{ADMIN}campaigns/campaign/{campaign.pk}"
        found = {}
        for path in ("/change/", "/lifecycle/publish/", "/phone/?lang=ar", "/preview/"):
            tab.goto(base + path)
            tab.add_script_tag(path=str(AXE_JS))
            result = tab.evaluate("async () => await axe.run(document)")
            serious = [
                (v["id"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if serious:
                found[path] = serious
        assert not found, found
    finally:
        checking.close()


def test_a_new_arabic_translation_is_typed_right_to_left(page, site, staff_page, comms):
    campaign = create_campaign("rtl", live=False)
    staff_page(comms)
    page.goto(f"{site.url}{ADMIN}campaigns/campaign/{campaign.pk}/change/")
    page.get_by_text("Add another translation", exact=False).click()
    page.locator("#id_translations-0-language").select_option("ar")
    title = page.locator("#id_translations-0-title")
    assert title.get_attribute("dir") == "rtl" and title.get_attribute("lang") == "ar"
    page.locator("#id_translations-0-language").select_option("es")
    assert title.get_attribute("dir") == "ltr"
