"""axe-core on every public page, in English and Arabic, and the third-party request guard."""

import pytest

from tests.browser.conftest import ForeignRequests
from tests.conftest import create_campaign


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected with a script tag, which our strict CSP would rightly block.
    return {**browser_context_args, "bypass_csp": True}


PAGES = ["/", "/c/statement/", "/c/bds/", "/c/fund/", "/no-such-page/"]


@pytest.fixture
def public_pages(db):
    create_campaign(
        "statement",
        signature_goal=100,
        organisation_goal=10,
        translations={"ar": {"title": "نرفض", "summary": "ملخص البيان"}},
    )
    create_campaign("bds", kind="bds", organisation_goal=10)
    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=100000, fundraising_currency="EUR"
    )


@pytest.mark.parametrize("language", ["", "/ar"])
def test_public_pages_have_no_serious_accessibility_violations(
    page, site, public_pages, axe_check, language
):
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in PAGES:
            page.goto(f"{site.url}{language}{path}")
            if violations := axe_check():
                found[f"{language}{path} ({scheme})"] = violations
    assert not found, found


def test_the_guard_catches_requests_to_other_origins(browser, site):
    other = browser.new_page()
    guard = ForeignRequests([site.url])
    other.on("request", guard)
    other.goto(site.url + "/healthz")
    other.set_content('<img src="http://127.0.0.9:9/pixel.png" alt="">')
    other.close()
    assert guard == ["http://127.0.0.9:9/pixel.png"]


def test_the_axe_check_does_find_violations(page, site, axe_check):
    page.goto(site.url + "/healthz")
    page.set_content('<html lang="en"><body><main><input type="text"></main></body></html>')
    assert "label" in {violation["id"] for violation in axe_check()}
