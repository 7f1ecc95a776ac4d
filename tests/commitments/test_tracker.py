"""The public tracker: totals that match the rows, filters, pages per target and organisation."""

import re

import pytest
from django.db.models import Count

from campaigns.progress import compute_progress
from commitments import services as commitment_services
from commitments import tracker
from commitments.models import Commitment
from commitments.tracker import CommitmentFilters
from pledges import contact
from tests.commitments.helpers import (
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    divestment,
    moderator_update,
    pledge,
)
from tests.pledges.conftest import approved_org

pytestmark = pytest.mark.django_db

Status = Commitment.Status


@pytest.fixture
def drive(db):
    campaign = create_drive()
    a = approved_pledge(
        campaign, boycott(), divestment(), contact_email="luz@redcomunitaria.example"
    )
    b = approved_pledge(
        campaign,
        boycott(target="", action="Quit every listed company's cloud"),
        website="https://sindicato.example",
        name="Sindicato Digital",
        country="AR",
        contact_name="Secret Person",
        contact_email="secret@sindicato.example",
    )
    first = a.commitments.order_by("pk").first()
    moderator_update(first, Status.IN_PROGRESS, note="Migration started")
    commitment_services.fulfil_commitment(
        b.commitments.get(), by=None, evidence_url="https://sindicato.example/news"
    )
    # Not public: awaiting confirmation, and a pending contact update.
    pledge(campaign, boycott(action="Unconfirmed idea"), website="https://pending.example")
    contact_update(a.commitments.order_by("pk").last(), Status.FULFILLED, note="Secret draft")
    return campaign


def test_totals_match_the_rows(drive, settings):
    settings.PUBLIC_MIN_COUNT = 1  # every count shown: the small-count rule is tested apart
    totals = tracker.commitment_totals(drive)
    public = Commitment.objects.filter(pledge__campaign=drive, pledge__status="approved")
    assert totals.total == public.count() == 3
    by_status = dict(public.values_list("status").annotate(n=Count("pk")))
    assert {t.key: t.count for t in totals.by_status if t.count} == by_status
    assert totals.status_count("fulfilled") == 1
    assert {t.key: t.count for t in totals.by_kind} == {
        "boycott": 2,
        "divestment": 1,
        "sanction": 0,
        "other": 0,
    }
    assert {t.key: t.count for t in totals.by_target} == {"alphabet": 1, "meta": 1, "": 1}
    assert {t.key: t.count for t in totals.by_country} == {"MX": 2, "AR": 1}
    assert totals.organisations == 2
    progress = compute_progress(drive)
    assert progress.commitments == {
        "pledged": 1,
        "agreed_to_review": 0,
        "in_progress": 1,
        "fulfilled": 1,
        "lapsed": 0,
        "withdrawn": 0,
    }
    assert progress.organisations == 2


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (CommitmentFilters(target="alphabet"), 1),
        (CommitmentFilters(target="all"), 1),
        (CommitmentFilters(kind="divestment"), 1),
        (CommitmentFilters(status="fulfilled"), 1),
        (CommitmentFilters(country="AR"), 1),
        (CommitmentFilters(q="sindicato"), 1),
        (CommitmentFilters(q="pension"), 1),
        (CommitmentFilters(q="Unconfirmed"), 0),
        (CommitmentFilters(kind="boycott", country="MX"), 1),
    ],
)
def test_filters(drive, filters, expected):
    assert tracker.filter_commitments(drive, filters).count() == expected
    assert tracker.commitment_totals(drive, filters).total == expected


def test_tracker_page_shows_totals_table_and_chart(client, drive):
    body = client.get("/c/bds/tracker/").content.decode()
    assert "Sindicato Digital" in body
    assert "Unconfirmed idea" not in body
    assert "Secret" not in body
    assert "@" not in body.replace("@context", "")
    assert "<svg" in body
    assert "€250,000.00" in body


def test_tracker_filters_through_the_query_string(client, drive):
    body = client.get("/c/bds/tracker/", {"country": "AR"}).content.decode()
    assert "Sindicato Digital" in body
    assert "Red Comunitaria" not in body


@pytest.mark.parametrize(
    "query",
    [
        {"target": "amazon"},
        {"kind": "nonsense"},
        {"status": "done"},
        {"country": "XX"},
        {"q": "x" * 101},
        {"page": "abc"},
        {"page": "0"},
        {"page": "99999999999999999999"},
    ],
)
def test_garbage_filters_are_400(client, drive, query):
    assert client.get("/c/bds/tracker/", query).status_code == 400


def test_tracker_paginates(client, drive, monkeypatch):
    from commitments import views as commitment_views

    monkeypatch.setattr(commitment_views, "TRACKER_PAGE_SIZE", 2)
    first = client.get("/c/bds/tracker/")
    assert 'rel="next"' in first.content.decode()
    second = client.get("/c/bds/tracker/", {"page": 2}).content.decode()
    assert 'rel="prev"' in second
    assert client.get("/c/bds/tracker/", {"page": 50}).status_code == 200  # the last page


def test_tracker_query_count_does_not_grow_with_rows(client, drive, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get("/c/bds/tracker/")
    for n in range(5):
        approved_pledge(drive, boycott(), website=f"https://org{n}.example", name=f"Org {n}")
    with django_assert_max_num_queries(20):
        client.get("/c/bds/tracker/")


def test_target_page_lists_who_is_leaving_it(client, drive):
    body = client.get("/targets/alphabet/").content.decode()
    assert "Who is leaving <bdi>Alphabet (Google)</bdi>" in body
    assert "Red Comunitaria" in body
    assert "Sindicato Digital" in body  # "all listed targets" includes this one
    assert "Migration started" in body
    assert "Secret" not in body
    assert client.get("/targets/nobody/").status_code == 404


def test_organisation_page_shows_public_pledges_across_campaigns_only(client, drive):
    from tests.conftest import create_campaign

    statement = create_campaign("statement")
    org = approved_org(statement).organisation  # same domain: the same organisation
    body = client.get(f"/organisations/{org.pk}/").content.decode()
    assert "Campaign statement" in body
    assert "Move the pension fund out of Meta shares" in body
    assert "Migration started" in body
    assert "Secret draft" not in body  # pending contact update
    assert "luz@" not in body and "Luz" not in body


def test_organisation_without_public_record_is_404(client, drive):
    pending = pledge(drive, website="https://nobody.example").pledge
    confirmed, _ = contact.confirm_contact(pending)  # a record now, but nothing public yet
    assert client.get(f"/organisations/{confirmed.organisation.pk}/").status_code == 404
    assert client.get("/organisations/999999/").status_code == 404


def test_rejected_pledge_disappears_from_the_tracker(client, drive, moderator):
    approved = approved_pledge(drive, boycott(action="Soon rejected"), website="https://r.example")
    assert "Soon rejected" in client.get("/c/bds/tracker/").content.decode()
    contact.reject(approved, by=moderator, reason="Not genuine")
    assert "Soon rejected" not in client.get("/c/bds/tracker/").content.decode()


def test_series_counts_pledged_and_fulfilled(drive):
    series = tracker.commitment_series(drive, days=7)
    assert len(series) == 7
    assert series[-1][1:] == (3, 1)


def test_history_lists_the_pledge_then_accepted_updates(drive):
    commitment = Commitment.objects.get(pledge__campaign=drive, status=Status.IN_PROGRESS)
    history = tracker.commitment_history(commitment)
    assert [entry.status for entry in history] == ["pledged", "in_progress"]
    assert history[1].note == "Migration started"


def test_bds_pages_are_accessible_self_hosted_and_private(client, drive):
    from tests.commitments.helpers import approved_pledge as make
    from tests.test_site import EMAIL_RE, PageParser

    org = make(drive, boycott(), website="https://pages.example", name="Pages").organisation
    urls = [
        "/c/bds/",
        "/c/bds/tracker/",
        "/ar/c/bds/tracker/",
        "/c/bds/tracker/?target=amazon",
        "/c/bds/commitments/pledge/",
        "/targets/alphabet/",
        "/ar/targets/alphabet/",
        "/targets/meta/",
        f"/organisations/{org.pk}/",
        "/commitments/report/forged/",
        "/commitments/report/new-link/",
    ]
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        page = PageParser()
        page.feed(body)
        assert page.h1 == 1, url
        assert page.inline_scripts == 0 and page.inline_styles == 0, url
        assert not EMAIL_RE.search(body), url


def test_commitments_of_a_drive_returned_to_draft_leave_every_public_list(drive):
    """A drive taken back to draft takes its commitments off target pages and the API."""
    from campaigns.models import Campaign
    from campaigns.services import transition
    from commitments import tracker

    target = drive.targets.first()
    assert tracker.public_commitments().exists()
    Campaign.objects.filter(pk=drive.pk).update(status=Campaign.Status.SCHEDULED)
    drive.refresh_from_db()
    transition(drive, Campaign.Status.DRAFT, by=None)
    assert not tracker.public_commitments().exists()
    assert not tracker.target_commitments(target).exists()


def test_tracker_totals_are_one_grouped_query_then_served_from_the_cache(
    drive, django_assert_num_queries
):
    with django_assert_num_queries(1):
        totals = tracker.commitment_totals(drive)
    with django_assert_num_queries(0):
        assert tracker.commitment_totals(drive) == totals
    by_status = {t.key: t.count for t in totals.by_status}
    assert totals.total == sum(by_status.values()) == tracker.public_commitments(drive).count()
    # A filter is its own entry: counted from its own rows.
    filtered = tracker.commitment_totals(drive, CommitmentFilters(country="AR"))
    assert filtered.organisations == 1


def totals_lead(body: str) -> str:
    return re.search(r'<p class="totals-lead">(.*?)</p>', body, re.S).group(1)


def test_the_totals_agree_with_their_counts(client, drive):
    """3 commitments by 2 organisations; one of one is not "1 … organisations"."""
    assert totals_lead(client.get("/c/bds/tracker/").content.decode()) == (
        "3 commitments by 2 organisations"
    )
    one = client.get("/c/bds/tracker/", {"q": "Sindicato"}).content.decode()
    assert totals_lead(one) == "1 commitment by 1 organisation"


def test_the_drives_title_falls_back_with_its_language_and_direction(client, drive):
    """An English title on an Arabic page says it is English, and runs left to right."""
    body = client.get("/ar/c/bds/tracker/").content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert 'lang="en" dir="auto">Campaign bds</a>' in body
    assert "<bdi>Sindicato Digital</bdi>" in body  # names keep their own direction
    target = client.get("/ar/targets/alphabet/").content.decode()
    assert "<h1><bdi>Alphabet (Google)</bdi></h1>" in target
