"""A campaign's hero image, uploaded by Communications: re-encoded, stripped, in a few widths."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from campaigns import hero
from campaigns.models import Campaign
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825
MAKE_TAG = 0x010F


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width=2000, height=1500, *, rotated=False) -> bytes:
    """A JPEG with camera metadata: maker, GPS position and an orientation."""
    image = Image.new("RGB", (width, height), (30, 90, 160))
    for x in range(0, width, 50):
        image.paste((200, 60 + x % 150, 40), (x, 0, x + 20, height))
    exif = Image.Exif()
    exif[MAKE_TAG] = "PhoneMaker"
    exif[GPS_TAG] = {1: "N", 2: (51.0, 30.0, 0.0)}
    if rotated:
        exif[0x0112] = 6  # "rotate 90° clockwise to view"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def upload(data: bytes, name: str = "hero.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_the_upload_becomes_16_9_webp_and_jpeg_in_three_widths_without_metadata():
    manifest = hero.process(upload(photo()))
    widths = [v["width"] for v in manifest["variants"]]
    assert widths == [480, 960, 1440]
    for variant in manifest["variants"]:
        assert variant["height"] * 16 == variant["width"] * 9
        for extension, expected in (("webp", "WEBP"), ("jpg", "JPEG")):
            with default_storage.open(variant[extension]) as stored:
                data = stored.read()
            image = Image.open(io.BytesIO(data))
            assert image.format == expected
            assert image.size == (variant["width"], variant["height"])
            assert not image.getexif(), "no camera, place or date leaves with the image"
            assert b"PhoneMaker" not in data
    small = default_storage.size(manifest["variants"][0]["webp"])
    assert small < 25_000, "the phone's image fits the page budget"


def test_a_sideways_phone_photo_is_turned_upright_first():
    manifest = hero.process(upload(photo(1600, 1200, rotated=True)))
    # 1200×1600 upright: cropped to 16:9 across its width of 1200.
    assert [v["width"] for v in manifest["variants"]] == [480, 960]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.4 not an image", "not an image we can read"),
        (photo(300, 200), "at least 480 pixels wide"),
    ],
)
def test_what_cannot_be_a_hero_is_a_form_error(data, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        hero.process(upload(data))


def campaign_form(campaign: Campaign, **extra) -> dict:
    return {
        "title": campaign.title,
        "slug": campaign.slug,
        "kind": campaign.kind,
        "default_language": campaign.default_language,
        "summary": campaign.summary,
        "statement": campaign.statement,
        "signature_goal": "1000",
        "organisation_goal": "50",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        **extra,
    }


def test_communications_upload_a_hero_and_the_page_offers_it_by_width(
    campaign, comms, client, media
):
    staff = verified_login(Client(), comms)
    url = f"/staff/admin/campaigns/campaign/{campaign.pk}/change/"
    saved = staff.post(
        url,
        campaign_form(campaign, hero_upload=upload(photo()), hero_alt="Volunteers at a server"),
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    campaign.refresh_from_db()
    assert len(campaign.hero["variants"]) == 3
    assert not list(media.rglob("hero.jpg")), "the file as sent is not kept"

    page = client.get("/c/refuse/").content.decode()
    assert '<source type="image/webp" srcset="/media/heroes/' in page
    assert " 480w, " in page and 'alt="Volunteers at a server"' in page

    removed = staff.post(url, campaign_form(campaign, hero_remove="on"))
    assert removed.status_code == 302
    campaign.refresh_from_db()
    assert campaign.hero == {}
    assert not list(media.rglob("*.webp")), "removing deletes the files"
    assert "<picture" not in client.get("/c/refuse/").content.decode()


def test_a_file_that_is_not_an_image_is_refused_with_the_form_kept(campaign, comms):
    staff = verified_login(Client(), comms)
    url = f"/staff/admin/campaigns/campaign/{campaign.pk}/change/"
    bad = SimpleUploadedFile("hero.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = staff.post(url, campaign_form(campaign, hero_upload=bad))
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.hero == {}
