"""Recording, correcting and voiding paper batches: the tally, the audit, the refusals."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns import counters
from campaigns.progress import compute_progress
from lib.transitions import InvalidTransition
from paper import services
from paper.models import PaperBatch, PaperSigner
from paper.signers import ListedSigner, as_csv, parse_csv, parse_typed
from pledges.models import StatementVersion
from staff.models import AuditEvent
from tests.conftest import create_campaign
from tests.paper.conftest import record
from tests.pledges.conftest import signed_and_confirmed

pytestmark = pytest.mark.django_db


def test_a_batch_counts_in_the_one_signatures_tally_with_its_part_on_paper(campaign, comms):
    signed_and_confirmed(campaign)
    record(campaign, by=comms, count=120, country="KE")
    progress = compute_progress(campaign)
    assert progress.signatures == 121
    assert progress.paper_signatures == 120
    assert counters.by_country(campaign.pk, "signatures") == {"KE": 121}


def test_a_batch_records_the_current_statement_version_by_default(campaign, comms):
    batch = record(campaign, by=comms)
    assert batch.statement_version == StatementVersion.objects.get(campaign=campaign)
    assert batch.statement_version.text == campaign.statement


def test_a_batch_may_name_an_older_version_of_its_own_campaign_only(campaign, comms):
    other = create_campaign("other")
    theirs = services.record_statement_version(other)
    with pytest.raises(ValidationError) as error:
        record(campaign, by=comms, statement_version=theirs)
    assert "statement_version" in error.value.message_dict


def test_recording_is_audited_without_names(campaign, comms):
    batch = record(campaign, by=comms, count=3, signers=[("Amina Yusuf", "KE")])
    event = AuditEvent.objects.get(action="paper.record")
    assert event.actor == comms
    assert event.object_id == str(batch.pk)
    assert event.details["count"] == 3 and event.details["listed"] == 1
    assert "Amina" not in str(event.details)


@pytest.mark.parametrize("field", ["collector", "place"])
def test_a_batch_never_carries_an_email_address(campaign, comms, field):
    with pytest.raises(ValidationError) as error:
        record(campaign, by=comms, **{field: "Amina amina@example.org"})
    assert field in error.value.message_dict
    assert not PaperBatch.objects.exists()


def test_listed_names_with_an_email_address_are_refused(campaign, comms):
    with pytest.raises(ValidationError) as error:
        record(campaign, by=comms, signers=[("amina@example.org", "KE")])
    assert "Line 1" in error.value.message_dict["signers"][0]


def test_the_date_collected_cannot_be_in_the_future(campaign, comms):
    with pytest.raises(ValidationError) as error:
        record(campaign, by=comms, collected_on=timezone.localdate() + timedelta(days=1))
    assert "collected_on" in error.value.message_dict


@pytest.mark.parametrize("count", [0, -5])
def test_the_count_is_positive(campaign, comms, count):
    with pytest.raises(ValidationError):
        record(campaign, by=comms, count=count)
    assert compute_progress(campaign).signatures == 0


def test_no_more_names_than_the_count(campaign, comms):
    with pytest.raises(ValidationError) as error:
        record(campaign, by=comms, count=1, signers=[("A B", "KE"), ("C D", "UG")])
    assert "signers" in error.value.message_dict


def test_a_bds_drive_takes_no_paper_signatures(comms, db):
    drive = create_campaign("drive", kind="bds")
    with pytest.raises(ValidationError):
        record(drive, by=comms)


def test_the_same_form_posted_twice_records_one_batch(campaign, comms):
    key = uuid.uuid4()
    first = record(campaign, by=comms, idempotency_key=key)
    with pytest.raises(services.BatchAlreadyRecorded) as repeat:
        record(campaign, by=comms, idempotency_key=key)
    assert repeat.value.batch == first
    assert compute_progress(campaign).signatures == 120


def test_a_correction_moves_the_tally_by_the_difference(campaign, comms, moderator):
    batch = record(campaign, by=comms, count=120)
    services.correct_batch(batch, count=95, by=moderator)
    progress = compute_progress(campaign)
    assert progress.signatures == progress.paper_signatures == 95
    event = AuditEvent.objects.get(action="paper.correct")
    assert event.details == {"count_from": 120, "count_to": 95, "listed_from": 0, "listed_to": 0}
    assert event.actor == moderator


def test_a_correction_replaces_the_names_or_keeps_them(campaign, comms):
    batch = record(campaign, by=comms, count=5, signers=[("Amina Yusuf", "KE")])
    services.correct_batch(batch, count=6, by=comms)
    assert list(PaperSigner.objects.values_list("name", flat=True)) == ["Amina Yusuf"]
    services.correct_batch(
        batch, count=6, signers=[ListedSigner("Amina Yusufu", "KE"), ListedSigner("Jo Ng", "UG")],
        by=comms,
    )  # fmt: skip
    assert sorted(PaperSigner.objects.values_list("name", flat=True)) == ["Amina Yusufu", "Jo Ng"]


def test_a_correction_keeps_at_least_as_many_signatures_as_names(campaign, comms):
    batch = record(campaign, by=comms, count=2, signers=[("A B", "KE"), ("C D", "KE")])
    with pytest.raises(ValidationError):
        services.correct_batch(batch, count=1, by=comms)
    with pytest.raises(ValidationError):
        services.correct_batch(batch, count=0, signers=[], by=comms)
    assert compute_progress(campaign).signatures == 2


def test_a_void_takes_the_count_out_once_and_keeps_the_batch(campaign, comms, moderator):
    signed_and_confirmed(campaign)
    batch = record(campaign, by=comms, count=120, signers=[("Amina Yusuf", "KE")])
    services.void_batch(batch, reason="The same sheets were counted twice", by=moderator)
    with pytest.raises(InvalidTransition):
        services.void_batch(batch, reason="again", by=moderator)
    with pytest.raises(InvalidTransition):
        services.correct_batch(batch, count=10, by=moderator)
    progress = compute_progress(campaign)
    assert progress.signatures == 1 and progress.paper_signatures == 0
    batch.refresh_from_db()
    assert batch.is_voided and batch.void_reason and batch.voided_at
    assert not PaperSigner.objects.filter(listed=True).exists()
    assert AuditEvent.objects.filter(action="paper.void").count() == 1


def test_a_void_needs_a_reason_without_an_email_address(campaign, comms):
    batch = record(campaign, by=comms)
    for reason in ("", "   ", "Ask kim@example.org"):
        with pytest.raises(ValidationError):
            services.void_batch(batch, reason=reason, by=comms)
    assert compute_progress(campaign).paper_signatures == 120


def test_the_tally_never_goes_negative_whatever_the_order(campaign, comms):
    batch = record(campaign, by=comms, count=10)
    services.correct_batch(batch, count=3, by=comms)
    services.void_batch(batch, reason="Not our statement", by=comms)
    for attempt in (lambda: services.void_batch(batch, reason="x", by=comms),
                    lambda: services.correct_batch(batch, count=1, by=comms)):  # fmt: skip
        with pytest.raises(InvalidTransition):
            attempt()
    assert counters.total(campaign.pk, "signatures") == 0
    counters.count()
    assert counters.total(campaign.pk, "signatures") == 0


def test_a_failed_transaction_leaves_no_batch_and_no_tally_change(campaign, comms):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(campaign, by=comms)
        raise RuntimeError("rolled back")
    assert not PaperBatch.objects.exists()
    assert counters.total(campaign.pk, "signatures") == 0


def test_the_counting_job_and_reconcile_keep_paper_in_the_tally(campaign, comms):
    signed_and_confirmed(campaign)
    record(campaign, by=comms, count=40, country="UG")
    counters.count()
    assert counters.reconcile() == []
    assert counters.by_country(campaign.pk, "signatures") == {"KE": 1, "UG": 40}


# Names typed in or uploaded ---------------------------------------------------------------


def test_typed_names_are_one_per_line_with_the_country_after_the_last_comma():
    assert parse_typed("Amina Yusuf, ke\n\nYusuf, Amina , UG\n") == [
        ListedSigner("Amina Yusuf", "KE"),
        ListedSigner("Yusuf, Amina", "UG"),
    ]


def test_every_bad_line_is_reported_by_its_number():
    with pytest.raises(ValidationError) as error:
        parse_typed("Amina Yusuf, KE\nNo country\nJo Ng, XX\n=HYPERLINK(1), KE\n")
    messages = error.value.messages
    assert [m.split(":")[0] for m in messages] == ["Line 2", "Line 3", "Line 4"]
    assert "formula" in messages[2]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_the_formula_guard_refuses_names_a_spreadsheet_would_run(start):
    csv_bytes = f"name,country\n{start}cmd|' /C calc'!A0,KE\n".encode()
    with pytest.raises(ValidationError) as error:
        parse_csv(csv_bytes)
    assert "Line 2" in error.value.messages[0]


def test_a_csv_upload_reads_name_and_country_columns_in_any_order():
    data = "\ufeffCountry,Name,Note\nKE,Amina Yusuf,x\n,,\nug,Jo Ng\n".encode()
    assert parse_csv(data) == [ListedSigner("Amina Yusuf", "KE"), ListedSigner("Jo Ng", "UG")]


@pytest.mark.parametrize(
    "data",
    [b"who,where\nA,KE\n", b"\xff\xfe\x00n\x00a", b'name,country\n"unclosed,KE\n' + b"x" * 10],
)
def test_a_bad_csv_file_is_a_clear_error(data):
    with pytest.raises(ValidationError):
        parse_csv(data)


def test_names_go_back_out_through_the_formula_guard():
    text = as_csv([ListedSigner("=1+1", "KE"), ListedSigner("Amina", "KE")])
    assert text.splitlines() == ["name,country", "'=1+1,KE", "Amina,KE"]
