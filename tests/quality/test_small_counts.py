"""No public output gives away a small count (lib/disclosure.py): a campaign where Kenya has
exactly 2 listed signers among many from other countries, and a BDS drive where 2
organisations from Kenya committed, crawled through every public page in every language,
the API, the open data files, the embeds and the badge. Kenya's 2 is never shown as Kenya's
count; the totals stay exact."""

import csv
import io
import json
import re
from html import unescape

import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries

from api.tasks import regenerate_open_data
from tests.commitments.helpers import approved_pledge, boycott, create_drive
from tests.conftest import create_campaign
from tests.pledges.conftest import signed_and_confirmed

pytestmark = pytest.mark.django_db

SIGNERS = {"GB": 12, "FR": 9, "DE": 7, "KE": 2}
ORGANISATIONS = {"GB": 7, "FR": 6, "KE": 2}
TOTAL = sum(SIGNERS.values())
TWO = {"2", "٢", "۲"}  # the digit as the pages may write it


@pytest.fixture
def small_place(db):
    campaign = create_campaign("refuse", signature_goal=1000)
    n = 0
    for country, count in SIGNERS.items():
        for _ in range(count):
            n += 1
            signed_and_confirmed(
                campaign, name=f"Signer {n}", email=f"signer{n}@example.org", country=country
            )
    drive = create_drive("bds")
    n = 0
    for country, count in ORGANISATIONS.items():
        for _ in range(count):
            n += 1
            approved_pledge(
                drive,
                boycott(),
                name=f"Collective {n}",
                website=f"https://collective{n}.example/",
                contact_email=f"contact{n}@collective{n}.example",
                country=country,
            )
    regenerate_open_data.call()
    return campaign, drive


def urls() -> list[str]:
    pages = []
    for language, _name in settings.LANGUAGES:
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        pages += [
            f"{prefix}/c/refuse/",
            f"{prefix}/c/refuse/signatories/",
            f"{prefix}/c/refuse/versions/",
            f"{prefix}/c/bds/",
            f"{prefix}/c/bds/tracker/",
            f"{prefix}/targets/alphabet/",
            f"{prefix}/c/bds/signatories/",
        ]
    api = [
        "/api/v1/campaigns/",
        "/api/v1/campaigns/refuse/",
        "/api/v1/campaigns/refuse/progress/",
        "/api/v1/campaigns/refuse/signatories/",
        "/api/v1/campaigns/bds/",
        "/api/v1/campaigns/bds/progress/",
        "/api/v1/campaigns/bds/commitments/",
        "/api/v1/campaigns/bds/commitments/totals/",
        "/api/v1/targets/",
        "/api/v1/targets/alphabet/",
        "/api/v1/open-data/campaigns.json",
        "/api/v1/open-data/campaigns.csv",
        "/api/v1/open-data/commitments.csv",
        "/api/v1/open-data/organisations.csv",
        "/embed/refuse/",
        "/embed/refuse/badge.svg",
        "/embed/bds/",
        "/embed/bds/badge.svg",
        "/oembed?url=http://testserver/c/refuse/&format=json",
    ]
    return pages + api


def kenya_names() -> set[str]:
    names = {"KE", "Kenya"}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(str(countries.name("KE")))
    return names


def _json_leaks(value, path="") -> list[str]:
    """Objects naming Kenya with a number 2 in them."""
    found = []
    if isinstance(value, dict):
        if any(v == "KE" for v in value.values()) and any(
            v == 2 and not isinstance(v, bool) for v in value.values()
        ):
            found.append(f"{path}: {value}")
        for key, item in value.items():
            found += _json_leaks(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _json_leaks(item, f"{path}[{index}]")
    return found


def _html_leaks(text: str, names: set[str]) -> list[str]:
    """Table rows (and list items) naming Kenya that hold a cell reading 2."""
    found = []
    for row in re.findall(r"<(?:tr|li)\b.*?</(?:tr|li)>", text, flags=re.S):
        plain = unescape(re.sub(r"<[^>]+>", "|", row))
        if not any(name in plain for name in names):
            continue
        cells = {cell.strip() for cell in plain.split("|")}
        if cells & TWO:
            found.append(row)
    return found


def _csv_leaks(text: str) -> list[str]:
    return [
        ",".join(row)
        for row in csv.reader(io.StringIO(text))
        if "KE" in row and any(cell.strip() in TWO for cell in row)
    ]


def test_no_public_output_gives_kenyas_two_away(client, small_place):
    names = kenya_names()
    leaks = []
    seen = 0
    for url in urls():
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        kind = response.get("Content-Type", "")
        if "json" in kind:
            leaks += [f"{url} {leak}" for leak in _json_leaks(json.loads(text))]
        elif "csv" in kind:
            leaks += [f"{url} {leak}" for leak in _csv_leaks(text)]
        else:
            leaks += [f"{url} {leak[:300]}" for leak in _html_leaks(text, names)]
    assert seen >= len(settings.LANGUAGES) * 6
    assert leaks == []


def test_the_totals_stay_exact(client, small_place):
    progress = client.get("/api/v1/campaigns/refuse/progress/").json()
    assert progress["total_signatures"] == TOTAL
    totals = client.get("/api/v1/campaigns/bds/commitments/totals/").json()
    assert totals["total"] == sum(ORGANISATIONS.values())
    assert sum(row["count"] or 0 for row in totals["by_country"]) == totals["total"]
    kenya = next(row for row in totals["by_country"] if row["country"] == "KE")
    assert kenya == {"country": "KE", "count": None, "fewer_than": 5}


def test_the_signatory_list_counts_kenya_with_others(client, small_place):
    text = client.get("/c/refuse/signatories/").content.decode()
    table = text.split('id="countries-heading"')[1]
    kenya = re.search(r"<tr><td>Kenya</td><td>(.*?)</td>", table).group(1)
    assert kenya == "fewer than 5"
    # Kenya's 2 alone would be 2 in "other": the smallest shown country (DE, 7) joins it.
    other = re.search(r"Other countries, counted together</td><td>(\d+)</td>", table).group(1)
    assert int(other) == 9
    assert "<td>12</td>" in table and "<td>9</td>" in table
