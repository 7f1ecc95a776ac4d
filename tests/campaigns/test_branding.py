"""Who the site speaks for: name, logo, colour and the menu, from settings."""

import pytest

from campaigns.context_processors import theme_version

pytestmark = pytest.mark.django_db


def test_the_coalition_name_and_logo_come_from_settings(client, settings, campaign):
    page = client.get("/").content.decode()
    assert "<span>Coalition campaigns</span>" in page  # the translated default
    assert 'lang="es"' in client.get("/es/").content.decode()
    assert "Campañas de la coalición" in client.get("/es/").content.decode()
    settings.COALITION_NAME = "Tech Refusal Network"
    settings.COALITION_LOGO = "img/icon.svg"
    page = client.get("/c/refuse/").content.decode()
    assert "<span>Tech Refusal Network</span>" in page
    assert 'src="/static/img/icon.svg"' in page


def test_the_theme_stylesheet_carries_the_accent_for_both_themes(client, settings):
    settings.COALITION_ACCENT_COLOUR = "#1d4ed8"
    response = client.get("/theme.css")
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert "--accent:#1d4ed8" in css
    assert "prefers-color-scheme:dark" in css
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    page = client.get("/").content.decode()
    assert f'href="/theme.css?v={theme_version()}"' in page


def test_the_menu_and_footer_reach_every_public_part(client, campaign):
    from tests.commitments.helpers import create_drive

    create_drive()
    page = client.get("/c/refuse/").content.decode()
    for href in ("/", "/donate/", "/open-books/", "/partners/", "/my-data/", "/privacy/"):
        assert f'href="{href}"' in page, href
    assert 'href="/c/bds/tracker/"' in page
    assert "Signal" not in page  # the share link that only reloaded the page is gone
