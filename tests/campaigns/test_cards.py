"""Share cards (`/c/<slug>/card.png`), the campaign page's Open Graph tags and the
hreflang alternates of public pages."""

import io
import logging
import re
from datetime import date

import pytest
from django.conf import settings
from PIL import Image, ImageChops

from campaigns import cards, counters
from campaigns.progress import campaign_progress
from donations import services as donations
from donations.models import Donation
from pledges import services as pledges
from pledges.abuse import Client
from pledges.services import SignatureData
from tests.conftest import create_campaign, verified_login

pytestmark = pytest.mark.django_db

ARABIC_TITLE = "نرفض استخراج البيانات"


def card_image(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def ink_box(image: Image.Image, top: int, bottom: int) -> tuple[int, int, int, int]:
    """The bounding box of everything drawn (not background) between `top` and `bottom`."""
    band = image.convert("RGB").crop((0, top, image.width, bottom))
    background = Image.new("RGB", band.size, cards.BACKGROUND)
    left, upper, right, lower = ImageChops.difference(band, background).getbbox()
    return left, upper + top, right, lower + top


def confirm_signatures(campaign, n: int, commits, *, start: int = 0) -> None:
    """`n` people sign and confirm through the pledge services; their transactions' commit
    hooks run (`commits`: django_capture_on_commit_callbacks), so the cached figures go
    stale as they do in production."""
    for i in range(start, start + n):
        data = SignatureData(
            name=f"Signer {i}",
            email=f"signer{i}@example.org",
            country="KE",
            language="en",
            affiliation="",
            show_publicly=False,
            updates_consent=False,
        )
        with commits(execute=True):
            result = pledges.sign(campaign, data, client=Client(ip_hash=""))
            pledges.confirm_signature(result.signature.pk)


@pytest.fixture
def arabic(db):
    return create_campaign(
        "arabic",
        title="We refuse",
        signature_goal=1000,
        translations={"ar": {"title": ARABIC_TITLE}, "es": {"title": "Rechazamos"}},
    )


# The card ----------------------------------------------------------------------------------


def test_card_is_a_1200_by_630_png(client, campaign):
    response = client.get("/c/refuse/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = card_image(response)
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_card_is_public_cacheable_and_sets_no_cookie(client, campaign):
    response = client.get("/es/c/refuse/card.png")
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", "max-age=300"} <= directives
    again = client.get("/es/c/refuse/card.png", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]


def test_card_of_unknown_campaign_is_404(client, db):
    assert client.get("/c/no-such-campaign/card.png").status_code == 404


def test_draft_card_is_404_for_the_public_and_a_private_preview_for_staff(client, comms):
    create_campaign("draft", live=False)
    assert client.get("/c/draft/card.png").status_code == 404
    verified_login(client, comms)
    response = client.get("/c/draft/card.png")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_arabic_card_is_drawn_right_to_left(client, arabic):
    english = card_image(client.get("/c/arabic/card.png"))
    arabic_card = card_image(client.get("/ar/c/arabic/card.png"))
    assert ImageChops.difference(english.convert("RGB"), arabic_card.convert("RGB")).getbbox()
    # A short title: its ink hugs the reading edge and leaves the other side empty.
    left, _, right, _ = ink_box(arabic_card, cards.TITLE_TOP, cards.TITLE_BOTTOM)
    assert abs(right - (cards.WIDTH - cards.MARGIN)) <= 6
    assert left > cards.MARGIN + 150
    left, _, right, _ = ink_box(english, cards.TITLE_TOP, cards.TITLE_BOTTOM)
    assert abs(left - cards.MARGIN) <= 6
    assert right < cards.WIDTH - cards.MARGIN - 150


def test_arabic_title_is_shaped_not_drawn_letter_by_letter(client, arabic):
    """Joined Arabic letters take less room than the same letters drawn apart."""
    card = card_image(client.get("/ar/c/arabic/card.png"))
    left, _, right, _ = ink_box(card, cards.TITLE_TOP, cards.TITLE_BOTTOM)
    font = cards._font(cards.FONT_DIR, "arabic", True, cards.TITLE_SIZES[0])
    apart = sum(font.getlength(letter) for letter in ARABIC_TITLE)
    assert right - left < 0.95 * apart


def test_long_titles_shrink_and_stay_on_the_card(client):
    create_campaign("long", title=" ".join(["Extraction"] * 18))
    card = card_image(client.get("/c/long/card.png"))
    # Between the kind's line and the count's (whose figures start below 480).
    left, _, right, bottom = ink_box(card, cards.TITLE_TOP - 20, 478)
    assert left >= cards.MARGIN - 6 and right <= cards.WIDTH - cards.MARGIN + 6
    assert bottom <= cards.TITLE_BOTTOM


def test_card_is_drawn_again_when_a_milestone_is_crossed_not_on_every_signature(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """105 signatures: at 100 the card shows "100+" and the goal, 105; signatures 101 to
    104 change neither, so the stored card is served; the goal reached, it is drawn again."""
    campaign = create_campaign("milestones", signature_goal=105)
    encoded = []
    save = Image.Image.save

    def counting_save(image, *args, **kwargs):  # spies on Pillow, not on our code
        encoded.append(image.size)
        return save(image, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", counting_save)
    commits = django_capture_on_commit_callbacks
    confirm_signatures(campaign, 100, commits)
    first = client.get("/c/milestones/card.png")
    assert len(encoded) == 1
    confirm_signatures(campaign, 4, commits, start=100)
    counters.count()  # the counting job ran meanwhile: the figure is the same
    assert campaign_progress(campaign).signatures == 104
    same = client.get("/c/milestones/card.png")
    assert same.content == first.content and same["ETag"] == first["ETag"]
    assert len(encoded) == 1, "served from the cache"
    confirm_signatures(campaign, 1, commits, start=104)
    crossed = client.get("/c/milestones/card.png")
    assert len(encoded) == 2
    assert crossed.content != first.content and crossed["ETag"] != first["ETag"]


def test_card_changes_with_the_title(client, campaign):
    before = client.get("/c/refuse/card.png").content
    campaign.title = "A new title"
    campaign.save()
    # Titles are part of what the card shows, so of its cache key.
    assert client.get("/c/refuse/card.png").content != before


def test_milestones_and_goals():
    assert [cards.next_milestone(n) for n in (0, 99, 100, 249, 250, 999, 1000)] == [
        100,
        100,
        250,
        250,
        500,
        1000,
        2500,
    ]
    assert cards.next_milestone(60_000) == 100_000
    assert cards.next_milestone(100_000) == 250_000
    assert cards.target(120, 200) == 200  # the goal is nearer than 250
    assert cards.target(120, 5000) == 250
    assert cards.target(300, 200) == 500  # a goal passed is no target
    assert [cards.bucket(n) for n in (7, 99, 104, 1234, 56789)] == [7, 99, 100, 1200, 56000]


def test_headline_uses_the_locales_grouping_and_money_in_whole_units(db):
    campaign = create_campaign(
        "fund", kind="fundraiser", fundraising_goal_minor=500_000, fundraising_currency="EUR"
    )
    donations.record_offline_gift(
        method=Donation.Method.CASH,
        amount_minor=123_456,
        currency="EUR",
        received_on=date(2026, 11, 2),
        campaign=campaign,
        by=None,
    )
    progress = campaign_progress(campaign)
    english = cards.describe(campaign, progress, "en").headline
    assert (english.count_text, english.label) == ("€1,200", "raised")
    assert english.target_text == "next milestone: €2,500"
    assert cards.describe(campaign, progress, "es").headline.count_text == "1.200\xa0€"
    assert cards.describe(campaign, progress, "fr").headline.count_text == "1\u202f200\xa0€"


def test_missing_fonts_fall_back_to_pillows_font(client, campaign, settings, tmp_path, caplog):
    settings.CARD_FONT_DIR = str(tmp_path)
    with caplog.at_level(logging.WARNING, logger="campaigns.cards"):
        response = client.get("/ar/c/refuse/card.png")
        client.get("/c/refuse/card.png")
    assert response.status_code == 200
    assert card_image(response).size == (1200, 630)
    missing = [r for r in caplog.records if "NotoSans-Bold.ttf" in r.getMessage()]
    assert len(missing) == 1, "logged once"


@pytest.mark.parametrize(
    "text, runs",
    [
        # Left to right on the card; each run is drawn in its own direction and font.
        ("نرفض Google (2025)", [("Google (2025)", False, "latin"), ("نرفض", True, "arabic")]),
        (
            "نرفض (Google)",
            [(")", True, "latin"), ("Google", False, "latin"), ("(", True, "latin")]
            + [("نرفض", True, "arabic")],  # the brackets are mirrored when drawn
        ),
        (
            "عدد 1,234 توقيع",
            [("توقيع", True, "arabic"), ("1,234", False, "arabic"), ("عدد", True, "arabic")],
        ),
        (
            "Boycott قاطعوا now",
            [("Boycott", False, "latin"), ("قاطعوا", True, "arabic")] + [("now", False, "latin")],
        ),
    ],
)
def test_mixed_arabic_and_latin_are_placed_in_visual_order(text, runs):
    rtl = cards.paragraph_rtl(text, True)
    found = [
        (run.strip(), run_rtl, script) for run, run_rtl, script in cards.visual_runs(text, rtl)
    ]
    assert found == runs


# The campaign page's tags and the alternates ------------------------------------------------


def test_og_image_is_the_card_in_the_pages_language(client, campaign):
    body = client.get("/c/refuse/").content.decode()
    assert '<meta property="og:image" content="http://testserver/c/refuse/card.png">' in body
    assert '<meta property="og:image:width" content="1200">' in body
    assert '<meta property="og:image:height" content="630">' in body
    assert '<meta property="og:image:alt" content="Campaign refuse: campaign card' in body
    assert '<meta property="og:locale" content="en_US">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert "/c/refuse/qr.png" in body, "the poster QR codes stay on the page"
    spanish = client.get("/es/c/refuse/").content.decode()
    assert 'property="og:image" content="http://testserver/es/c/refuse/card.png"' in spanish
    assert '<meta property="og:locale" content="es_ES">' in spanish
    assert client.get("/es/c/refuse/card.png").status_code == 200


ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def alternates(body: str) -> dict[str, str]:
    return dict(ALTERNATE.findall(body))


@pytest.mark.parametrize(
    "path", ["/c/refuse/", "/", "/c/refuse/signatories/", "/c/drive/tracker/", "/fr/"]
)
def test_public_pages_link_to_themselves_in_every_language(client, campaign, path):
    create_campaign("drive", kind="bds", organisation_goal=10)
    response = client.get(path)
    assert response.status_code == 200
    links = alternates(response.content.decode())
    english = path.removeprefix("/fr")
    expected = {
        code: "http://testserver" + (english if code == "en" else f"/{code}{english}")
        for code, _name in settings.LANGUAGES
    }
    expected["x-default"] = "http://testserver" + english
    assert links == expected


def test_staff_token_and_error_pages_have_no_alternates(client, finance, campaign):
    assert alternates(client.get("/c/no-such-campaign/").content.decode()) == {}
    assert alternates(client.get("/no-such-page/").content.decode()) == {}
    verified_login(client, finance)
    response = client.get("/staff/donations/reports/")
    assert response.status_code == 200
    assert alternates(response.content.decode()) == {}
