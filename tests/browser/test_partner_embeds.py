"""A partner's page on another origin embeds our iframe, badge and live-counter script.

The partner page is served by a second HTTP server on 127.0.0.2 (another origin for the
browser), in a thread of this process; only this module allows that origin.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pledges import services
from tests.conftest import create_campaign
from tests.pledges.conftest import sign, signed_and_confirmed

PARTNER_HOST = "127.0.0.2"


def partner_html(site_url: str, slug: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A partner's blog</title></head>
<body><main><h1>We support the campaign</h1>
<iframe id="widget" src="{site_url}/embed/{slug}/" title="Campaign counter"
        width="360" height="220"></iframe>
<p><a href="{site_url}/c/{slug}/"><img id="badge" src="{site_url}/embed/{slug}/badge.svg"
   alt="Signatures"></a></p>
<div data-campaign="{slug}"></div>
<script src="{site_url}/embed.js" data-refresh="1"></script>
</main></body></html>""".encode()


@pytest.fixture
def partner_site(site):
    """Serve the partner page from http://127.0.0.2:<port>/; yields its URL."""
    body = partner_html(site.url, "refuse")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((PARTNER_HOST, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{PARTNER_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def allowed_origins(site, partner_site) -> list[str]:
    return [site.url, partner_site]


def widget_count(page) -> str:
    return page.frame_locator("#widget").locator(".count strong").first.inner_text()


def badge_svg(page) -> str:
    # The badge is CORS-open, so the partner page itself may read it.
    return page.evaluate("async () => (await fetch(document.getElementById('badge').src)).text()")


def test_partner_page_on_another_origin_shows_the_live_number_in_all_three_embeds(
    page, site, partner_site, settings, screenshot
):
    settings.COUNTER_CACHE_SECONDS = 1
    campaign = create_campaign("refuse", signature_goal=1000)
    for n in range(3):
        signed_and_confirmed(campaign, email=f"early{n}@example.org")

    page.goto(partner_site + "/")
    assert page.evaluate("location.origin") == partner_site != site.url
    assert widget_count(page) == "3"
    assert page.evaluate("document.getElementById('badge').naturalWidth") > 0
    assert ">3 / 1,000<" in badge_svg(page)
    script_counter = page.locator("div[data-campaign] .coalition-counter-figure strong").first
    assert script_counter.inner_text() == "3"
    assert page.context.cookies() == [], "embeds set no cookies"

    # A new signature is confirmed; the script refreshes by itself (every second here).
    result = sign(campaign, email="new-signer@example.org")
    services.confirm_signature(result.signature.pk)
    page.wait_for_function(
        "() => document.querySelector('div[data-campaign] .coalition-counter-figure strong')"
        ".textContent === '4'",
        timeout=8000,
    )
    # The iframe and badge show it once their short HTTP cache has run out.
    for _attempt in range(10):
        page.reload()
        if widget_count(page) == "4":
            break
        page.wait_for_timeout(500)
    assert widget_count(page) == "4"
    assert ">4 / 1,000<" in badge_svg(page)
    screenshot("partner-page-embeds")
    page.goto("about:blank")  # stop the script's refresh before the live server goes away
