"""Pledging commitments, their lifecycle, moderation of updates, deadlines and lapsing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.progress import compute_progress
from commitments import services as commitment_services
from commitments.models import Commitment, CommitmentPledge, CommitmentUpdate
from commitments.services import InvalidCommitment
from lib.transitions import InvalidTransition
from pledges import contact, services
from pledges.models import ContactConfirmedPledge, Organisation, PledgeEmail
from pledges.services import CampaignNotOpen
from tests.commitments.helpers import (
    approved_commitment,
    approved_pledge,
    boycott,
    contact_update,
    create_drive,
    divestment,
    in_days,
    moderator_update,
    pledge,
)
from tests.conftest import create_campaign, run_tasks
from tests.pledges.conftest import approved_org, last_email_to

pytestmark = pytest.mark.django_db

Status = Commitment.Status
PledgeStatus = ContactConfirmedPledge.Status
Review = CommitmentUpdate.Review


@pytest.fixture
def drive(db):
    return create_drive()


# Pledging ----------------------------------------------------------------------------------


def test_pledge_stores_every_commitment_and_emails_the_contact(drive):
    result = pledge(drive, boycott(), divestment())
    assert result.outcome == "new"
    assert result.pledge.status == PledgeStatus.UNCONFIRMED
    rows = list(result.pledge.commitments.order_by("pk"))
    assert [c.kind for c in rows] == ["boycott", "divestment"]
    assert (rows[1].amount_minor, rows[1].currency) == (25_000_000, "EUR")
    assert all(c.status == Status.PLEDGED for c in rows)
    message = last_email_to("luz@redcomunitaria.example")
    assert "Move the pension fund out of Meta shares" in message.body
    assert "/confirm-contact/" in message.body


def test_pledge_reuses_an_organisation_known_from_a_sign_on(drive):
    statement = create_campaign("statement")
    approved_org(statement)
    pledge(drive, boycott(), website="https://redcomunitaria.example")
    assert Organisation.objects.count() == 1


def test_zero_decimal_currency_amounts_are_stored_in_minor_units(drive):
    result = pledge(drive, divestment(amount=Decimal("5000"), currency="JPY"))
    assert result.pledge.commitments.get().amount_minor == 5000


def test_all_listed_targets_is_a_commitment_without_target(drive):
    result = pledge(drive, boycott(target=""))
    assert result.pledge.commitments.get().target is None


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (boycott(target="amazon"), "target"),
        (boycott(deadline=in_days(-1)), "deadline"),
        (boycott(action="x" * 1001), "action"),
        (boycott(action="   "), "action"),
        (boycott(kind="other"), "other_kind"),
        (boycott(kind="nonsense"), "kind"),
        (boycott(amount=Decimal("10"), currency="EUR"), "amount"),
        (divestment(currency="euro"), "currency"),
        (divestment(currency="ZZZ"), "currency"),
        (divestment(currency="XTS"), "currency"),
        (divestment(amount=Decimal("1.234"), currency="EUR"), "amount"),
        (divestment(amount=Decimal("0"), currency="EUR"), "amount"),
    ],
)
def test_a_bad_row_stores_nothing_at_all(drive, row, field):
    with pytest.raises(InvalidCommitment) as caught:
        pledge(drive, boycott(), row)
    assert caught.value.index == 1
    assert field in caught.value.message_dict
    assert not CommitmentPledge.objects.exists()
    assert not Commitment.objects.exists()
    assert not Organisation.objects.exists()
    assert not PledgeEmail.objects.exists()


def test_a_target_of_another_drive_is_unknown_here(drive):
    other = create_drive("other-bds")
    other.targets.create(slug="amazon", name="Amazon")
    with pytest.raises(InvalidCommitment):
        pledge(drive, boycott(target="amazon"))


def test_pledge_needs_between_one_and_ten_commitments(drive):
    with pytest.raises(ValidationError):
        commitment_services.pledge_commitments(drive, pledge_data_with(()))
    with pytest.raises(ValidationError):
        commitment_services.pledge_commitments(drive, pledge_data_with((boycott(),) * 11))


def pledge_data_with(rows):
    from tests.commitments.helpers import pledge_data

    data = pledge_data()
    return type(data)(organisation=data.organisation, commitments=rows)


def test_only_open_bds_drives_take_commitments(drive):
    statement = create_campaign("statement")
    with pytest.raises(CampaignNotOpen):
        pledge(statement)
    draft = create_drive("draft-bds", live=False)
    with pytest.raises(CampaignNotOpen):
        pledge(draft)


def test_a_failed_transaction_leaves_no_task_behind(drive):
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    with pytest.raises(InvalidCommitment):
        pledge(drive, boycott(), boycott(target="nope"))
    assert DBTaskResult.objects.count() == before


# Confirmation and moderation reuse the sign-on services ----------------------------------------


def test_commitments_are_public_and_counted_only_once_approved(drive, moderator):
    result = pledge(drive, boycott(), divestment())
    assert compute_progress(drive).commitments["pledged"] == 0
    confirmed, outcome = contact.confirm_contact(result.pledge)
    assert (outcome, confirmed.status) == ("confirmed", PledgeStatus.AWAITING_MODERATION)
    contact.approve(confirmed, by=moderator)
    run_tasks()
    progress = compute_progress(drive)
    assert progress.commitments["pledged"] == 2
    assert progress.organisations == 1
    message = mail.outbox[-1]
    assert "compromisos aprobados" in message.subject  # the contact reads Spanish
    assert "/commitments/report/" in message.body


def test_rejection_carries_a_reason_to_the_contact(drive, moderator):
    result = pledge(drive)
    confirmed, _ = contact.confirm_contact(result.pledge)
    contact.reject(confirmed, by=moderator, reason="Not an organisation.")
    message = last_email_to("luz@redcomunitaria.example")
    assert "Not an organisation." in message.body
    assert compute_progress(drive).commitments["pledged"] == 0


def test_organisations_on_a_drive_count_commitments_and_sign_ons_once_each(drive):
    approved_org(drive)  # a sign-on to the drive itself
    approved_pledge(drive, boycott())  # same organisation, by domain
    approved_pledge(drive, boycott(), website="https://other.example", name="Other")
    assert compute_progress(drive).organisations == 2


# Lifecycle ---------------------------------------------------------------------------------


def test_moderator_moves_a_commitment_to_fulfilled_with_evidence(drive, moderator):
    commitment = approved_commitment(drive)
    moderator_update(commitment, Status.IN_PROGRESS, by=moderator, note="Half the staff moved")
    update = commitment_services.fulfil_commitment(
        commitment, by=moderator, evidence_url="https://example.org/news"
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED
    assert commitment.fulfilled_at is not None
    assert (update.from_status, update.review) == (Status.IN_PROGRESS, Review.ACCEPTED)
    assert compute_progress(drive).commitments["fulfilled"] == 1


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.FULFILLED, Status.IN_PROGRESS),
        (Status.FULFILLED, Status.FULFILLED),
        (Status.WITHDRAWN, Status.IN_PROGRESS),
        (Status.LAPSED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.PLEDGED),
    ],
)
def test_transition_table_refuses_impossible_moves(drive, start, to):
    commitment = approved_commitment(drive)
    moderator_update(commitment, start)
    with pytest.raises(InvalidTransition):
        moderator_update(commitment, to)


def test_a_note_keeps_the_status_of_an_open_commitment(drive):
    commitment = approved_commitment(drive)
    update = moderator_update(commitment, Status.PLEDGED, note="Board vote next month")
    commitment.refresh_from_db()
    assert commitment.status == Status.PLEDGED
    assert update.note == "Board vote next month"


def test_updates_on_unapproved_pledges_are_refused(drive):
    commitment = pledge(drive).pledge.commitments.get()
    with pytest.raises(InvalidTransition):
        moderator_update(commitment, Status.IN_PROGRESS)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x", "not a url"]
)
def test_evidence_links_must_be_web_addresses(drive, url):
    commitment = approved_commitment(drive)
    with pytest.raises(ValidationError) as caught:
        contact_update(commitment, Status.IN_PROGRESS, evidence_url=url)
    assert "evidence_url" in caught.value.message_dict
    assert not CommitmentUpdate.objects.exists()


def test_oversized_notes_are_refused(drive):
    commitment = approved_commitment(drive)
    with pytest.raises(ValidationError):
        contact_update(commitment, Status.IN_PROGRESS, note="x" * 2001)
    assert not CommitmentUpdate.objects.exists()


# Contact updates wait for moderation ---------------------------------------------------------


def test_contact_update_is_pending_until_a_moderator_accepts_it(drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, Status.FULFILLED, evidence_url="https://x.example/a")
    commitment.refresh_from_db()
    assert update.review == Review.PENDING
    assert commitment.status == Status.PLEDGED
    commitment_services.review_commitment_update(update, accept=True, by=moderator)
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED
    update.refresh_from_db()
    assert (update.review, update.reviewed_by, update.from_status) == (
        Review.ACCEPTED,
        moderator,
        Status.PLEDGED,
    )


def test_rejected_contact_update_changes_nothing(drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, Status.FULFILLED)
    commitment_services.review_commitment_update(
        update, accept=False, by=moderator, reason="No evidence"
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.PLEDGED
    with pytest.raises(InvalidTransition):
        commitment_services.review_commitment_update(update, accept=True, by=moderator)


def test_contact_cannot_report_a_lapse(drive):
    commitment = approved_commitment(drive)
    with pytest.raises(InvalidTransition):
        contact_update(commitment, Status.LAPSED)


def test_accepting_a_stale_update_that_no_longer_fits_is_refused(drive, moderator):
    commitment = approved_commitment(drive)
    update = contact_update(commitment, Status.IN_PROGRESS)
    moderator_update(commitment, Status.FULFILLED, by=moderator)
    with pytest.raises(InvalidTransition):
        commitment_services.review_commitment_update(update, accept=True, by=moderator)
    update.refresh_from_db()
    assert update.review == Review.PENDING


# Deadlines ---------------------------------------------------------------------------------


def test_reminders_60_30_7_days_before_then_follow_up_then_lapse(drive, settings):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 7
    commitment = approved_commitment(drive, boycott(deadline=in_days(70)))
    run_tasks()
    mail.outbox.clear()
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=5), tick=False):
        assert commitment_services.send_commitment_reminders() == (0, 0)
    for day in (10, 40, 63):  # 60, 30 and 7 days before: each once
        with time_machine.travel(start + timedelta(days=day), tick=False):
            assert commitment_services.send_commitment_reminders() == (1, 0)
            assert commitment_services.send_commitment_reminders() == (0, 0)  # twice: same world
            run_tasks()
            message = last_email_to("luz@redcomunitaria.example")
            assert "un compromiso vence el" in message.subject
            assert "/commitments/report/" in message.body
    assert sorted(commitment.reminders.values_list("stage", flat=True)) == ["30", "60", "7"]
    with time_machine.travel(start + timedelta(days=71), tick=False):
        assert commitment_services.send_commitment_reminders() == (0, 1)
        assert commitment_services.lapse_overdue_commitments() == 0  # grace days
        assert "ha pasado la fecha límite" in last_email_to("luz@redcomunitaria.example").subject
    with time_machine.travel(start + timedelta(days=72), tick=False):
        assert commitment_services.send_commitment_reminders() == (0, 0)  # followed up once
    with time_machine.travel(start + timedelta(days=79), tick=False):
        assert commitment_services.lapse_overdue_commitments() == 1
        assert commitment_services.lapse_overdue_commitments() == 0
        assert "un compromiso ha vencido" in last_email_to("luz@redcomunitaria.example").subject
        assert commitment_services.send_commitment_reminders() == (0, 0)
    commitment.refresh_from_db()
    assert commitment.status == Status.LAPSED
    assert commitment.lapsed_at is not None
    history = commitment.updates.get()
    assert (history.source, history.status) == ("system", Status.LAPSED)
    assert compute_progress(drive).commitments["lapsed"] == 1


def test_a_skipped_stage_gives_way_to_the_next_one(drive):
    # Pledged 20 days ahead: the 60-day stage never comes, the 30-day one at once.
    commitment = approved_commitment(drive, boycott(deadline=in_days(20)))
    assert commitment_services.send_commitment_reminders() == (1, 0)
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        assert commitment_services.send_commitment_reminders() == (0, 0)
    with time_machine.travel(timezone.now() + timedelta(days=14), tick=False):
        assert commitment_services.send_commitment_reminders() == (1, 0)
    assert sorted(commitment.reminders.values_list("stage", flat=True)) == ["30", "7"]


def test_fulfilled_and_undated_commitments_never_lapse(drive, moderator):
    done = approved_commitment(drive, boycott(deadline=in_days(3)))
    commitment_services.fulfil_commitment(done, by=moderator)
    approved_commitment(drive, boycott(deadline=None), website="https://b.example")
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        assert commitment_services.lapse_overdue_commitments() == 0
        assert commitment_services.send_commitment_reminders() == (0, 0)


def test_a_lapsed_commitment_can_still_be_fulfilled_late(drive, moderator, settings):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    commitment = approved_commitment(drive, boycott(deadline=in_days(1)))
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        commitment_services.lapse_overdue_commitments()
        update = contact_update(commitment, Status.FULFILLED)
        commitment_services.review_commitment_update(update, accept=True, by=moderator)
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED


def test_erased_contact_gets_no_deadline_emails(drive, settings):
    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    approved_commitment(drive, boycott(deadline=in_days(1)))
    run_tasks()
    services.erase_personal_data("luz@redcomunitaria.example")
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert commitment_services.lapse_overdue_commitments() == 1
        run_tasks()
    assert mail.outbox == []


def test_commands_are_safe_to_run_twice(drive, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.COMMITMENT_LAPSE_GRACE_DAYS = 0
    approved_commitment(drive, boycott(deadline=in_days(1)))
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        outputs = []
        for _ in range(2):
            for command in ("send_commitment_reminders", "lapse_overdue_commitments"):
                out = StringIO()
                call_command(command, stdout=out)
                outputs.append(out.getvalue().strip())
    assert outputs == [
        "0 reminder(s) and 1 follow-up(s) queued.",
        "1 commitment(s) lapsed.",
        "0 reminder(s) and 0 follow-up(s) queued.",
        "0 commitment(s) lapsed.",
    ]
