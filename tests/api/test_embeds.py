"""Iframe widget, SVG badge, embed.js and oEmbed: headers, framing, no cookies."""

import xml.etree.ElementTree as ET

import pytest

from campaigns import services
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db


def test_widget_shows_counter_bar_and_call_to_action(client, campaign):
    response = client.get("/embed/refuse/?ref=allies")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>" in body and body.count("<h1") == 1
    assert body.count("<progress") == 2
    assert 'href="http://testserver/c/refuse/?ref=allies" target="_blank" rel="noopener"' in body
    assert "<form" not in body
    assert "<script" not in body


def test_widget_can_be_framed_by_any_site_but_nothing_else_can(client, campaign):
    widget = client.get("/embed/refuse/")
    assert "X-Frame-Options" not in widget
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    assert "default-src 'none'" in widget["Content-Security-Policy"]
    page = client.get("/c/refuse/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    for path in ("/api/v1/campaigns/", "/embed/refuse/badge.svg", "/partners/"):
        response = client.get(path)
        assert response.get("X-Frame-Options") == "DENY", path


@pytest.mark.parametrize(
    "path", ["/embed/refuse/", "/embed/refuse/badge.svg", "/embed.js", "/partners/"]
)
def test_embeds_set_no_cookies(client, campaign, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_widget_in_spanish_right_to_left_in_arabic_and_themes(client, campaign):
    body = client.get("/embed/refuse/?lang=es&theme=dark").content.decode()
    assert '<html lang="es" dir="ltr" class="theme-dark">' in body
    assert "Rechazamos" in body
    body = client.get("/embed/refuse/?lang=ar").content.decode()
    assert 'dir="rtl"' in body


@pytest.mark.parametrize(
    "query", ["theme=evil", "lang=xx", "ref=no%20spaces", "theme=%3Cscript%3E"]
)
def test_widget_rejects_bad_parameters(client, campaign, query):
    response = client.get(f"/embed/refuse/?{query}")
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("path", ["/embed/{}/", "/embed/{}/badge.svg"])
def test_embeds_of_drafts_and_unknown_campaigns_are_404(client, comms, path):
    create_campaign("draft", live=False)
    verified_login(client, comms)
    assert client.get(path.format("draft")).status_code == 404
    assert client.get(path.format("nope")).status_code == 404


def test_closed_campaign_widget_links_to_the_campaign(client, campaign):
    services.close(campaign, by=None)
    assert "See the campaign" in client.get("/embed/refuse/").content.decode()


def test_widget_is_cached_briefly_and_answers_304(client, campaign, settings):
    response = client.get("/embed/refuse/")
    assert f"max-age={settings.COUNTER_CACHE_SECONDS}" in response["Cache-Control"]
    again = client.get("/embed/refuse/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_badge_is_valid_svg_with_label_and_value(client, campaign):
    response = client.get("/embed/refuse/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Access-Control-Allow-Origin"] == "*"
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["signatures", "0 / 1,000"]


def test_badge_label_is_escaped(client, campaign):
    response = client.get("/embed/refuse/badge.svg", {"label": '<script>"&'})
    body = response.content.decode()
    assert "<script>" not in body
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == '<script>"&'


def test_badge_label_too_long_is_400(client, campaign):
    assert client.get("/embed/refuse/badge.svg", {"label": "x" * 41}).status_code == 400


def test_embed_js_is_small_static_and_cors_open(client, db):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert len(response.content) < 8000
    source = response.content.decode()
    assert "document.currentScript" in source
    assert "data-campaign" in source
    assert "document.cookie" not in source
    assert "localStorage" not in source
    assert 'credentials: "omit"' in source
    assert "innerHTML" not in source
    assert "/api/v1/campaigns/" in source


# oEmbed ------------------------------------------------------------------------------


def test_oembed_returns_rich_iframe(client, campaign):
    response = client.get("/oembed", {"url": "http://testserver/es/c/refuse/?ref=allies"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "rich"
    assert body["version"] == "1.0"
    assert body["title"] == "Rechazamos"
    html = body["html"]
    assert html.startswith('<iframe src="http://testserver/embed/refuse/?lang=es&amp;ref=allies"')
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in html
    assert response["Access-Control-Allow-Origin"] == "*"


def test_oembed_respects_maxwidth(client, campaign):
    body = client.get(
        "/oembed", {"url": "http://testserver/c/refuse/", "maxwidth": 300, "maxheight": 150}
    ).json()
    assert (body["width"], body["height"]) == (300, 150)


def test_oembed_xml_is_501(client, campaign):
    response = client.get("/oembed", {"url": "http://testserver/c/refuse/", "format": "xml"})
    assert response.status_code == 501
    assert response.json()["error"]["code"] == "not_implemented"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/c/refuse/",
        "http://testserver/",
        "http://testserver/c/nope/",
        "http://testserver/c/draft/",
        "javascript:alert(1)",
        "http://testserver/xx/c/refuse/",
    ],
)
def test_oembed_foreign_or_unknown_urls_are_404(client, campaign, url):
    create_campaign("draft", live=False)
    response = client.get("/oembed", {"url": url})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_campaign_page_advertises_oembed(client, campaign):
    body = client.get("/c/refuse/").content.decode()
    assert 'rel="alternate" type="application/json+oembed"' in body
    assert "/oembed?url=http%3A%2F%2Ftestserver%2Fc%2Frefuse%2F&amp;format=json" in body


# Partner guide -----------------------------------------------------------------------


def test_partner_guide_shows_each_snippet(client, campaign):
    response = client.get("/partners/?ref=allies")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "&lt;iframe src=&quot;http://testserver/embed/refuse/?lang=en&amp;amp;ref=allies" in body
    assert "http://testserver/embed/refuse/badge.svg" in body
    assert '&lt;script src="http://testserver/embed.js" defer&gt;' in body
    assert 'data-campaign="refuse"' in body
    assert "/oembed?url=" in body
    assert " style=" not in body.replace("&quot;", '"').split("<textarea")[0]


def test_partner_guide_in_other_languages_and_without_campaigns(client, db):
    assert client.get("/es/partners/").status_code == 200
    assert client.get("/partners/?campaign=nope").status_code == 404
