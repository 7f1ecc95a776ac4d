"""Agreeing to review or disclose is a step, not the act; a lapse is public, with its date
and its history, never hidden."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from campaigns.progress import compute_progress
from commitments import services as commitment_services
from commitments import tracker
from commitments.models import Commitment
from lib.transitions import InvalidTransition
from tests.commitments.helpers import (
    approved_commitment,
    boycott,
    contact_update,
    create_drive,
    in_days,
    moderator_update,
)

pytestmark = pytest.mark.django_db

Status = Commitment.Status


@pytest.fixture
def drive(db):
    return create_drive()


def test_agreed_to_review_sits_between_the_pledge_and_the_act(drive, moderator):
    commitment = approved_commitment(drive)
    moderator_update(commitment, Status.AGREED_TO_REVIEW, by=moderator)
    moderator_update(commitment, Status.AGREED_TO_REVIEW, by=moderator, note="Report due")
    moderator_update(commitment, Status.IN_PROGRESS, by=moderator)
    with pytest.raises(InvalidTransition):
        moderator_update(commitment, Status.AGREED_TO_REVIEW, by=moderator)  # no way back


def test_a_contact_may_report_an_agreement_to_review(drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, Status.AGREED_TO_REVIEW, note="The board will review")
    commitment_services.review_commitment_update(update, accept=True, by=moderator)
    commitment.refresh_from_db()
    assert commitment.status == Status.AGREED_TO_REVIEW
    assert commitment.is_open and commitment.fulfilled_at is None


def test_agreeing_to_review_is_not_counted_as_fulfilled(client, drive, moderator):
    agreed = approved_commitment(drive)
    moderator_update(agreed, Status.AGREED_TO_REVIEW, by=moderator)
    acted = approved_commitment(drive, website="https://acted.example")
    commitment_services.fulfil_commitment(acted, by=moderator)
    progress = compute_progress(drive)
    assert progress.commitments["agreed_to_review"] == 1
    assert progress.count("commitments_fulfilled") == 1
    totals = tracker.commitment_totals(drive)
    assert (totals.acted, totals.agreed_to_review) == (1, 1)
    page = client.get("/c/bds/tracker/?status=agreed_to_review").content.decode()
    assert "Agreed to review or disclose" in page
    assert "not counted as fulfilled" in client.get("/c/bds/tracker/").content.decode()
    api = client.get("/api/v1/campaigns/bds/commitments/?status=agreed_to_review").json()
    assert [row["id"] for row in api["results"]] == [agreed.pk]
    series = tracker.commitment_series(drive)
    assert series[-1][2] == 1  # the chart's "fulfilled" is the act only


def test_an_agreement_to_review_lapses_at_its_deadline_like_any_open_commitment(
    drive, moderator, settings
):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    commitment = approved_commitment(drive, boycott(deadline=in_days(2)))
    moderator_update(commitment, Status.AGREED_TO_REVIEW, by=moderator)
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        assert commitment_services.lapse_overdue_commitments() == 1
    commitment.refresh_from_db()
    assert commitment.status == Status.LAPSED


@pytest.fixture
def lapsed(drive, settings):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    commitment = approved_commitment(drive, boycott(deadline=in_days(1)))
    moment = timezone.now() + timedelta(days=3)
    with time_machine.travel(moment, tick=False):
        commitment_services.lapse_overdue_commitments()
    commitment.refresh_from_db()
    return commitment


def test_a_lapsed_commitment_is_listed_everywhere_with_the_day_it_lapsed(client, lapsed):
    assert lapsed.lapsed_at is not None
    organisation = lapsed.pledge.organisation_id
    for url in (
        "/c/bds/tracker/",
        "/c/bds/tracker/?status=lapsed",
        "/targets/alphabet/",
        f"/organisations/{organisation}/",
    ):
        body = client.get(url).content.decode()
        assert "Move our staff email from Gmail" in body, url
        assert "lapsed" in body.lower(), url
    row = client.get("/api/v1/campaigns/bds/commitments/?status=lapsed").json()["results"][0]
    assert row["status"] == "lapsed"
    assert row["lapsed_at"] == lapsed.lapsed_at.isoformat()
    assert [h["source"] for h in row["history"]] == ["pledge", "system"]
    detail = client.get("/api/v1/targets/alphabet/").json()
    assert detail["commitments"]["lapsed"] == 1
    assert [r["status"] for r in detail["commitment_page"]["results"]] == ["lapsed"]


def test_a_late_fulfilment_keeps_the_lapse_on_record(client, lapsed, moderator):
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        commitment_services.fulfil_commitment(lapsed, by=moderator)
    lapsed.refresh_from_db()
    assert lapsed.status == Status.FULFILLED and lapsed.lapsed_at is not None
    row = client.get("/api/v1/campaigns/bds/commitments/").json()["results"][0]
    assert [h["status"] for h in row["history"]] == ["pledged", "lapsed", "fulfilled"]
    assert row["lapsed_at"] is not None
