import io
import re

import pytest
import zxingcpp
from PIL import Image

from campaigns import services
from campaigns.models import Campaign
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db


def test_home_lists_live_campaigns_only(client, campaign):
    create_campaign("hidden-draft", live=False, title="Secret draft")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert campaign.title in body
    assert "Secret draft" not in body


def test_campaign_page_renders_sanitised_markdown(client):
    create_campaign(
        "md",
        statement="We **refuse**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    )
    body = client.get("/c/md/").content.decode()
    assert "<strong>refuse</strong>" in body
    assert "<script>alert(1)" not in body
    assert "javascript:" not in body


def test_campaign_page_in_spanish_uses_translation_and_falls_back(client, campaign):
    body = client.get("/es/c/refuse/").content.decode()
    assert '<html lang="es" dir="ltr">' in body
    assert "Rechazamos" in body
    # The statement was not translated: the default text is shown.
    assert "<strong>refuse</strong>" in body


def test_arabic_pages_are_right_to_left(client, campaign):
    body = client.get("/ar/c/refuse/").content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    # The untranslated statement keeps its own language and direction.
    assert '<div class="statement" id="statement" lang="en" dir="ltr">' in body


def test_unknown_language_prefix_is_404(client, campaign):
    assert client.get("/xx/c/refuse/").status_code == 404


def test_unknown_slug_is_404(client, db):
    assert client.get("/c/no-such-campaign/").status_code == 404
    assert client.get("/c/no-such-campaign/qr.svg").status_code == 404


def test_draft_is_404_to_public_and_preview_for_staff(client, comms):
    create_campaign("draft", live=False)
    assert client.get("/c/draft/").status_code == 404
    verified_login(client, comms)
    response = client.get("/c/draft/")
    assert response.status_code == 200
    assert "Preview" in response.content.decode()


def test_closed_campaign_stays_readable_and_says_closed(client, campaign):
    services.close(campaign, by=None)
    response = client.get("/c/refuse/")
    assert response.status_code == 200
    assert "This campaign is closed" in response.content.decode()


def test_campaign_page_has_social_meta_and_plain_share_links(client, campaign):
    body = client.get("/c/refuse/").content.decode()
    assert '<meta property="og:title" content="Campaign refuse">' in body
    assert 'name="twitter:card"' in body
    assert "http://testserver/c/refuse/" in body
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/js/share.js" defer>']


def test_progress_shows_the_next_milestone_and_each_goal(client, campaign):
    body = client.get("/c/refuse/").content.decode()
    # The main figure has a bar towards its next milestone, not the far goal.
    assert body.count("<progress") == 1
    assert '<progress max="100" value="0"' in body
    assert "Next milestone: 100 · goal 1,000" in body
    assert "organisations · goal 50" in body


def _decode_png(data: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert results, "no QR code found"
    return results[0].text


def _rasterise_svg_path(svg: str) -> Image.Image:
    """Draw the module squares of qrcode's SVG path image into a bitmap."""
    match = re.search(r'width="(\d+)mm"', svg)
    size_mm = int(match.group(1))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    scale = 10
    image = Image.new("L", (size_mm * scale, size_mm * scale), 255)
    pixels = image.load()
    for x, y in re.findall(r"M([\d.]+),([\d.]+)", path):
        x0, y0 = round(float(x) * scale), round(float(y) * scale)
        for dx in range(scale):
            for dy in range(scale):
                if x0 + dx < image.width and y0 + dy < image.height:
                    pixels[x0 + dx, y0 + dy] = 0
    return image


def test_qr_png_decodes_to_campaign_url_with_ref(client, campaign):
    response = client.get("/c/refuse/qr.png?ref=partner-7")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert _decode_png(response.content) == "http://testserver/c/refuse/?ref=partner-7"


def test_qr_svg_decodes_to_campaign_url(client, campaign):
    response = client.get("/c/refuse/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    image = _rasterise_svg_path(response.content.decode())
    assert zxingcpp.read_barcodes(image)[0].text == "http://testserver/c/refuse/"


@pytest.mark.parametrize(
    "query", ["ref=a%20b", "ref=" + "x" * 41, "ref=%3Cscript%3E", "size=9999", "size=abc"]
)
def test_qr_rejects_bad_query_with_400(client, campaign, query):
    assert client.get(f"/c/refuse/qr.png?{query}").status_code == 400


def test_state_changes_are_not_possible_over_get(client, campaign):
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE
    assert client.post("/c/refuse/").status_code == 405


@pytest.mark.parametrize(
    ("prefix", "heading", "skip"),
    [
        ("", "Campaigns", "Skip to content"),
        ("/es", "Campañas", "Saltar al contenido"),
        ("/fr", "Campagnes", "Aller au contenu"),
        ("/pt", "Campanhas", "Pular para o conteúdo"),
        ("/ar", "الحملات", "انتقل إلى المحتوى"),
    ],
)
def test_interface_is_translated(client, campaign, prefix, heading, skip):
    body = client.get(f"{prefix}/").content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert skip in body


def test_language_switcher_links_to_same_page_in_each_language(client, campaign):
    body = client.get("/c/refuse/").content.decode()
    for href in ('href="/es/c/refuse/"', 'href="/fr/c/refuse/"', 'href="/ar/c/refuse/"'):
        assert href in body
