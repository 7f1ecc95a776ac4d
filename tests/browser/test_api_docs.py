"""The API reference (/api/docs/) on a phone, with JavaScript off: nothing scrolls sideways."""

import pytest


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "java_script_enabled": False,
    }


@pytest.mark.parametrize("language", ["", "/ar"])
def test_api_docs_fit_a_phone_without_javascript(page, site, language):
    page.goto(f"{site.url}{language}/api/docs/")
    assert page.locator("h1").count() == 1
    # Open every example (a <details> needs no script): long JSON scrolls in its own box.
    for summary in page.locator(".api-docs summary").all():
        summary.click()
    assert page.locator(".api-docs details[open]").count() > 5
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    progress = page.locator("#op-api_v1_campaigns_progress_retrieve")
    progress.scroll_into_view_if_needed()
    assert progress.get_by_text("total_signatures", exact=True).is_visible()
    box = progress.locator("h3 code").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the long path wraps
