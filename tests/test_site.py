"""Site-wide promises: every public page is accessible, light, private and self-hosted."""

import gzip
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.conftest import create_campaign

pytestmark = pytest.mark.django_db

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.assets: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self.html_attrs: dict[str, str] = {}
        self.has_main = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag == "h1":
            self.h1 += 1
        if tag == "main" and attrs.get("id") == "main-content":
            self.has_main = True
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "script":
            if attrs.get("src"):
                self.assets.append(attrs["src"])
            else:
                self._in_script = True
        if tag in ("img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "manifest"):
            self.assets.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def public_urls() -> list[str]:
    urls = ["/", "/this-page-does-not-exist/", "/privacy/", "/ar/privacy/"]
    for slug in ("statement", "bds", "fund"):
        urls += [f"/c/{slug}/", f"/es/c/{slug}/", f"/ar/c/{slug}/"]
    urls += ["/c/statement/signatories/paper/", "/ar/c/statement/signatories/paper/"]
    urls += ["/targets/changes/", "/ar/targets/changes/"]  # the target list's changelog
    # A contact asks for a fresh report link, and the answer for any address.
    urls += ["/commitments/report/new-link/", "/ar/commitments/report/new-link/"]
    urls += ["/commitments/report/new-link/check-your-email/"]
    return urls


@pytest.fixture
def site_content(db):
    create_campaign("statement", signature_goal=100, organisation_goal=10)
    create_campaign("bds", kind="bds", organisation_goal=10)
    create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=100000, fundraising_currency="EUR"
    )


@pytest.mark.parametrize("url", public_urls())
def test_public_page_is_accessible_self_hosted_and_private(client, site_content, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    body = response.content.decode()
    page = PageParser()
    page.feed(body)
    assert page.h1 == 1, "exactly one <h1>"
    assert page.has_main, "a <main id=main-content> landmark"
    assert 'href="#main-content"' in body, "a skip link"
    lang = page.html_attrs.get("lang")
    assert lang in dict(settings.LANGUAGES)
    assert page.html_attrs.get("dir") == ("rtl" if lang == "ar" else "ltr")
    for asset in page.assets:
        assert asset.startswith("/") and not asset.startswith("//"), f"foreign asset {asset}"
    assert page.inline_scripts == 0 and page.inline_styles == 0, "CSP forbids inline code"
    assert not EMAIL_RE.search(body), "no email address on a public page"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_campaign_page_weighs_under_60_kb_compressed(client, site_content):
    response = client.get("/c/statement/")
    page = PageParser()
    page.feed(response.content.decode())
    total = len(gzip.compress(response.content))
    for asset in page.assets:
        if not asset.startswith(settings.STATIC_URL):  # the theme stylesheet, a view of ours
            fetched = client.get(asset)
            assert fetched.status_code == 200, asset
            total += len(gzip.compress(fetched.content))
            continue
        path = finders.find(asset.removeprefix(settings.STATIC_URL))
        assert path, f"{asset} is not one of our static files"
        total += len(gzip.compress(Path(path).read_bytes()))
    assert total <= 60 * 1024, f"campaign page weighs {total} bytes compressed"


PRODUCTION_STATIC_CHECK = """
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", "--no-input", verbosity=0)
url = static("css/site.css")
response = Client().get(url, headers={"accept-encoding": "gzip, br"}, secure=True)
print(url, response.status_code, response["Content-Encoding"], response["Cache-Control"])
"""


def test_static_files_are_served_compressed_with_far_future_cache(tmp_path):
    """Production settings: hashed names, pre-compressed files, one-year cache headers."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "HASH_KEY": "h" * 40,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_STATIC_CHECK],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    url, status, encoding, cache_control = result.stdout.strip().splitlines()[-1].split(" ", 3)
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert status == "200"
    assert encoding in ("gzip", "br")
    assert "max-age=31536000" in cache_control and "immutable" in cache_control


def test_no_migration_is_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_with_a_hero_image_the_phone_page_still_weighs_under_60_kb(
    client, site_content, settings, tmp_path
):
    """What a phone (390 px, 1x) downloads: the page, our assets and the 480 px WebP."""
    import io
    import re as regex

    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from campaigns import hero
    from campaigns.models import Campaign

    settings.MEDIA_ROOT = tmp_path
    photo = Image.new("RGB", (2400, 1600), (40, 80, 120))
    draw = ImageDraw.Draw(photo)
    for n in range(0, 2400, 37):  # detail a photo has, so the encoder has work to do
        draw.ellipse((n, (n * 7) % 1600, n + 180, (n * 7) % 1600 + 120), fill=(n % 255, 140, 90))
    data = io.BytesIO()
    photo.save(data, format="JPEG", quality=92)
    campaign = Campaign.objects.get(slug="statement")
    campaign.hero = hero.process(SimpleUploadedFile("hero.jpg", data.getvalue()))
    campaign.save(update_fields=["hero"])

    response = client.get("/c/statement/")
    body = response.content.decode()
    total = len(gzip.compress(response.content))
    page = PageParser()
    page.feed(body)
    for asset in page.assets:
        if asset.startswith(settings.STATIC_URL):
            path = finders.find(asset.removeprefix(settings.STATIC_URL))
            total += len(gzip.compress(Path(path).read_bytes()))
        elif not asset.startswith(settings.MEDIA_URL):
            total += len(gzip.compress(client.get(asset).content))
    webp = regex.search(r'type="image/webp" srcset="([^" ]+) 480w', body).group(1)
    image_bytes = default_storage.size(webp.removeprefix(settings.MEDIA_URL))
    total += image_bytes
    assert total <= 60 * 1024, f"{total} bytes, of which the image {image_bytes}"
