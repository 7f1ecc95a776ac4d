"""Journeys through the real browser: staff launch flow, right-to-left pages, keyboard use."""

import re

from django.conf import settings

from campaigns.models import Campaign
from tests.conftest import create_campaign

ADMIN = f"/{settings.ADMIN_PATH}"


def test_comms_drafts_translates_previews_and_launches_and_the_public_sees_it(
    page, site, staff_page, comms, browser, screenshot
):
    staff_page(comms)

    # Draft, with an Arabic translation added through the inline.
    page.goto(f"{site.url}{ADMIN}campaigns/campaign/add/")
    page.locator("#id_title").fill("Leave the cloud")
    page.locator("#id_title").press("Tab")
    # The admin's own script fills the slug in: it runs under our strict CSP.
    assert page.locator("#id_slug").input_value() == "leave-the-cloud"
    page.locator("#id_kind").select_option("statement")
    page.locator("#id_summary").fill("Move off Big Tech clouds.")
    page.locator("#id_statement").fill("We **leave**.")
    page.get_by_text(re.compile("Add another translation", re.I)).click()
    page.locator("#id_translations-0-language").select_option("ar")
    page.locator("#id_translations-0-title").fill("اترك السحابة")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{site.url}{ADMIN}campaigns/campaign/")
    campaign = Campaign.objects.get(slug="leave-the-cloud")
    assert campaign.status == Campaign.Status.DRAFT

    # Preview in Arabic, right to left, before anyone else can see it.
    page.goto(f"{site.url}/ar/c/leave-the-cloud/")
    assert page.locator("h1").inner_text() == "اترك السحابة"
    assert page.locator(".notice").first.is_visible()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # Launch with the admin action.
    page.goto(f"{site.url}{ADMIN}campaigns/campaign/")
    page.locator(f"input[name=_selected_action][value='{campaign.pk}']").check()
    page.locator("select[name=action]").select_option("action_publish")
    page.get_by_role("button", name="Run").click()
    page.get_by_text("1 campaign updated.").wait_for()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE

    # A member of the public, in a fresh browser context without the staff session.
    public = browser.new_context()
    try:
        visitor = public.new_page()
        visitor.goto(f"{site.url}/c/leave-the-cloud/")
        assert visitor.locator("h1").inner_text() == "Leave the cloud"
        assert visitor.locator(".notice").count() == 0
        visitor.goto(f"{site.url}/ar/c/leave-the-cloud/")
        assert visitor.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        assert visitor.locator("h1").inner_text() == "اترك السحابة"
        screenshot("public-sees-launched-campaign", visitor)
    finally:
        public.close()


def test_arabic_pages_render_right_to_left(page, site, screenshot):
    create_campaign("refuse", translations={"ar": {"title": "نرفض", "summary": "ملخص"}})
    for path in ("/ar/", "/ar/c/refuse/", "/ar/no-such-page/"):
        page.goto(site.url + path)
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    page.goto(site.url + "/c/refuse/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    page.goto(site.url + "/ar/c/refuse/")
    screenshot("arabic-campaign-page")


def test_keyboard_user_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    page, site, screenshot
):
    create_campaign("refuse")
    page.goto(site.url + "/c/refuse/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main-content"
    assert page.locator(".skip-link").is_visible(), "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    screenshot("keyboard-skip-link")
