"""Staff record, correct and void paper batches in the staff area; the public figures move.

The journey runs with the page cache on, as in production: the campaign page, the signatory
list, the progress API, the embed and the badge all show the new tally at once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from paper.models import PaperBatch, PaperSigner
from tests.conftest import PERSONAS, verified_login
from tests.paper.conftest import record

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_PATH}"
ADD = f"{ADMIN}paper/paperbatch/add/"


def key_of(response) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def batch_form(client, campaign, **overrides) -> dict:
    data = {
        "campaign": campaign.pk,
        "collector": "Kibera Women's Group",
        "place": "Kibera market",
        "country": "KE",
        "collected_on": "2026-11-28",
        "count": "1930",
        "names": "Amina Yusuf, KE\nJo Ng, UG",
        "submission_key": key_of(client.get(ADD)),
    }
    data.update(overrides)
    return data


SECONDS = 5


@pytest.fixture
def cached_pages(settings):
    settings.PUBLIC_PAGE_SECONDS = SECONDS
    settings.COUNTER_CACHE_SECONDS = 1


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_a_batch_recorded_in_the_staff_area_moves_every_public_figure(
    client, campaign, comms, cached_pages, django_capture_on_commit_callbacks
):
    anonymous = client.__class__()
    # Stored pages and figures before the batch.
    assert "of them on paper" not in anonymous.get("/c/refuse/").content.decode()
    assert anonymous.get("/api/v1/campaigns/refuse/progress/").json()["total_signatures"] == 0
    anonymous.get("/embed/refuse/badge.svg")
    anonymous.get("/c/refuse/signatories/")

    verified_login(client, comms)
    with django_capture_on_commit_callbacks(execute=True):  # the stale marks, on commit
        response = client.post(ADD, batch_form(client, campaign))
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = PaperBatch.objects.get()
    assert batch.count == 1930 and batch.recorded_by == comms

    with later(SECONDS + 2):  # the stored pages' interval passed: every page moved
        progress = anonymous.get("/api/v1/campaigns/refuse/progress/").json()
        page = anonymous.get("/c/refuse/").content.decode()
        badge = anonymous.get("/embed/refuse/badge.svg").content.decode()
        widget = anonymous.get("/embed/refuse/").content.decode()
        signatories = anonymous.get("/c/refuse/signatories/").content.decode()
        paper_list = anonymous.get("/c/refuse/signatories/paper/").content.decode()
    assert progress["total_signatures"] == 1930
    assert progress["paper_signatures"] == 1930
    assert "1,930 of them on paper" in page
    assert "1,930" in badge
    assert "1,930 of them on paper" in widget
    assert "Signed on paper" in signatories and "Amina Yusuf" in signatories
    assert "Jo Ng" in paper_list and "1,930 signatures, 1,930 of them on paper" in paper_list


def test_the_split_is_written_the_way_the_language_writes_numbers(client, campaign, comms):
    record(campaign, by=comms, count=1930)
    page = client.get("/es/c/refuse/").content.decode()
    assert "1930" in page or "1.930" in page


def test_a_double_post_of_the_add_form_counts_once(client, campaign, comms):
    verified_login(client, comms)
    data = batch_form(client, campaign)
    client.post(ADD, data)
    response = client.post(ADD, data, follow=True)
    assert "already recorded" in response.content.decode()
    assert PaperBatch.objects.count() == 1


def test_a_csv_upload_lists_its_names(client, campaign, comms):
    verified_login(client, comms)
    upload = SimpleUploadedFile("names.csv", b"name,country\nAmina Yusuf,KE\nJo Ng,ug\n")
    response = client.post(ADD, batch_form(client, campaign, names="", names_file=upload))
    assert response.status_code == 302
    assert sorted(PaperSigner.objects.values_list("name", "country")) == [
        ("Amina Yusuf", "KE"),
        ("Jo Ng", "UG"),
    ]


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"collector": "amina@example.org"}, "email address"),
        ({"collected_on": "2999-01-01"}, "future"),
        ({"count": "0"}, "from 1 to"),
        ({"count": "1"}, "more than the 1 signatures"),
        ({"names": "Amina Yusuf, KE\n=HYPERLINK(1), KE"}, "Line 2"),
        ({"names": "Amina, amina@example.org"}, "Line 1"),
        ({"names": "", "names_file": b"who,where\nA,KE\n"}, "name,country"),
        ({"names": "", "names_file": b"\xff\xfe\x00\x00"}, "UTF-8"),
    ],
)
def test_bad_input_is_a_form_error_never_a_500(client, campaign, comms, overrides, field_error):
    verified_login(client, comms)
    if "names_file" in overrides:
        overrides["names_file"] = SimpleUploadedFile("n.csv", overrides["names_file"])
    response = client.post(ADD, batch_form(client, campaign, **overrides))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not PaperBatch.objects.exists()


def test_staff_correct_a_batch_and_the_figure_follows(client, campaign, moderator):
    batch = record(campaign, count=100, signers=[("Amina Yusuf", "KE")])
    verified_login(client, moderator)
    url = f"{ADMIN}paper/paperbatch/{batch.pk}/change/"
    response = client.post(url, {"count": "80", "names": "", "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get("/api/v1/campaigns/refuse/progress/").json()["paper_signatures"] == 80
    assert PaperSigner.objects.get().name == "Amina Yusuf"  # names kept when none typed


def test_staff_void_a_batch_with_a_reason(client, campaign, moderator):
    batch = record(campaign, count=100, signers=[("Amina Yusuf", "KE")])
    verified_login(client, moderator)
    url = f"{ADMIN}paper/paperbatch/{batch.pk}/void/"
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "Counted twice"})
    assert response.status_code == 302
    progress = client.get("/api/v1/campaigns/refuse/progress/").json()
    assert progress["total_signatures"] == 0 and progress["paper_signatures"] == 0
    assert "Amina Yusuf" not in client.get("/c/refuse/signatories/").content.decode()
    # Voided: read-only, never deleted.
    assert client.post(f"{ADMIN}paper/paperbatch/{batch.pk}/delete/").status_code == 403
    assert PaperBatch.objects.filter(pk=batch.pk).exists()


def test_the_names_download_neutralises_formulas(client, campaign, comms):
    batch = record(campaign, count=2, signers=[("Amina Yusuf", "KE")])
    PaperSigner.objects.filter(batch=batch).update(name="=1+1")  # as if stored by an old import
    verified_login(client, comms)
    response = client.get(f"{ADMIN}paper/paperbatch/{batch.pk}/names.csv")
    assert response.content.decode().splitlines() == ["name,country", "'=1+1,KE"]


# Who may do what ------------------------------------------------------------------------

ALLOWED = {"comms", "moderator"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_communications_and_moderators_record_batches(persona_client, campaign, persona):
    client = persona_client(persona)
    response = client.get(ADD)
    assert (response.status_code == 200) == (persona in ALLOWED), response.status_code
    data = {"campaign": campaign.pk, "collector": "Group", "place": "Town", "country": "KE",
            "collected_on": "2026-11-28", "count": "10", "names": ""}  # fmt: skip
    client.post(ADD, data)
    assert PaperBatch.objects.exists() == (persona in ALLOWED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_communications_and_moderators_correct_and_void(persona_client, campaign, persona):
    batch = record(campaign, count=10)
    client = persona_client(persona)
    client.post(f"{ADMIN}paper/paperbatch/{batch.pk}/change/", {"count": "5", "names": ""})
    batch.refresh_from_db()
    assert (batch.count == 5) == (persona in ALLOWED)
    client.post(f"{ADMIN}paper/paperbatch/{batch.pk}/void/", {"reason": "Counted twice"})
    batch.refresh_from_db()
    assert batch.is_voided == (persona in ALLOWED)
    names = client.get(f"{ADMIN}paper/paperbatch/{batch.pk}/names.csv")
    assert (names.status_code == 200) == (persona in ALLOWED)
