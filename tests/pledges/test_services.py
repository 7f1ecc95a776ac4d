from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import progress
from campaigns.models import Campaign
from lib.mailboxes import email_hash
from pledges import services
from pledges.models import Signature, StatementVersion
from tests.conftest import create_campaign, run_tasks
from tests.pledges.conftest import (
    approved_org,
    last_email_to,
    link_to,
    sign,
    signature_data,
    signed_and_confirmed,
)

pytestmark = pytest.mark.django_db


def test_sign_stores_a_pending_signature_and_emails_a_confirmation_link(campaign):
    result = sign(campaign, language="es")
    assert result.outcome == "new"
    signature = result.signature
    assert signature.status == Signature.Status.PENDING
    assert signature.email == "amina@example.org"
    message = last_email_to("amina@example.org")
    # In the signer's language: the links carry the /es/ prefix.
    assert f"/es/c/{campaign.slug}/confirm/" in link_to(message, "/confirm/")
    assert "/withdraw/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_sign_normalises_email_and_rejects_same_email_in_other_case(campaign):
    first = sign(campaign, email="  Amina@Example.ORG ")
    again = sign(campaign, email="amina@example.org")
    assert first.signature.email == "amina@example.org"
    assert again.outcome == "resent"
    assert Signature.objects.filter(campaign=campaign).count() == 1
    run_tasks()
    assert len(mail.outbox) == 2  # the confirmation, sent again


def test_signing_again_once_confirmed_emails_already_signed(campaign):
    signed_and_confirmed(campaign)
    result = sign(campaign, email="AMINA@example.org")
    assert result.outcome == "already-signed"
    message = last_email_to("amina@example.org")
    assert "already signed" in message.subject


def test_same_email_may_sign_another_campaign(campaign):
    other = create_campaign("other")
    sign(campaign)
    assert sign(other).outcome == "new"


def test_failed_transaction_leaves_no_signature_and_no_task(campaign):
    with pytest.raises(RuntimeError), transaction.atomic():
        sign(campaign)
        raise RuntimeError("boom")
    assert not Signature.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="pledges.").exists()


def test_draft_and_closed_campaigns_take_no_signatures(campaign):
    draft = create_campaign("draft", live=False)
    with pytest.raises(services.CampaignNotOpen):
        sign(draft)
    fund = create_campaign("fund", kind=Campaign.Kind.FUNDRAISER)
    with pytest.raises(services.CampaignNotOpen):
        sign(fund)


def test_confirmation_counts_and_second_confirmation_says_already(
    campaign, django_capture_on_commit_callbacks
):
    pending = sign(campaign).signature
    assert progress.campaign_progress(campaign).pending_signatures == 1
    with django_capture_on_commit_callbacks(execute=True):
        signature, outcome = services.confirm_signature(pending.pk)
    assert outcome == "confirmed"
    _, outcome = services.confirm_signature(pending.pk)
    assert outcome == "already-confirmed"
    figures = progress.campaign_progress(campaign)
    assert (figures.signatures, figures.pending_signatures) == (1, 0)


def test_progress_counts_confirmed_signatures_and_approved_organisations(campaign, moderator):
    signed_and_confirmed(campaign)
    sign(campaign, email="pending@example.org")
    approved_org(campaign, moderator=moderator)
    services.sign_on(campaign, _org("Waiting", "https://waiting.example"))
    figures = progress.campaign_progress(campaign)
    assert figures.signatures == 1
    assert figures.pending_signatures == 1
    assert figures.organisations == 1


def _org(name, website):
    from tests.pledges.conftest import org_data

    return org_data(name=name, website=website, contact_email=f"c@{website.split('//')[1]}")


def test_withdrawal_and_erasure_adjust_counts(campaign, django_capture_on_commit_callbacks):
    other = create_campaign("other")
    keep = signed_and_confirmed(campaign, email="keep@example.org")
    gone = signed_and_confirmed(campaign, email="gone@example.org")
    signed_and_confirmed(other, email="gone@example.org")
    assert progress.campaign_progress(campaign).signatures == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_signature(keep.pk)
    assert progress.campaign_progress(campaign).signatures == 1

    with django_capture_on_commit_callbacks(execute=True):
        erased = services.erase_personal_data("GONE@example.org")
    assert erased == 2
    assert progress.campaign_progress(campaign).signatures == 0
    assert progress.campaign_progress(other).signatures == 0
    assert not Signature.objects.filter(email_hash=email_hash("gone@example.org")).exists()
    assert not Signature.objects.filter(pk=gone.pk).exists()


def test_signing_again_after_withdrawing_starts_over(campaign):
    signature = signed_and_confirmed(campaign)
    services.withdraw_signature(signature.pk)
    result = sign(campaign, name="Amina Y.")
    assert result.outcome == "resent"
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert signature.name == "Amina Y."


def test_erasure_removes_contact_but_keeps_the_organisation_counted(campaign, moderator):
    pledge = approved_org(campaign, moderator=moderator)
    services.erase_personal_data("luz@redcomunitaria.example")
    pledge.refresh_from_db()
    assert (pledge.contact_name, pledge.contact_email) == ("", "")
    assert progress.campaign_progress(campaign).organisations == 1


def test_reminders_at_most_two_two_days_apart_and_safe_to_run_twice(campaign):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign(campaign)
    run_tasks()
    mail.outbox.clear()
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert services.send_reminders() == 0
    with time_machine.travel(start + timedelta(days=2, minutes=1), tick=False):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert services.send_reminders() == 0
    with time_machine.travel(start + timedelta(days=4, minutes=2), tick=False):
        assert services.send_reminders() == 1
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert services.send_reminders() == 0
    run_tasks()
    assert len(mail.outbox) == 2
    assert all("Reminder" in m.subject for m in mail.outbox)
    assert "/confirm/" in mail.outbox[0].body


def test_confirmed_signers_get_no_reminder(campaign):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signed_and_confirmed(campaign)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert services.send_reminders() == 0


def test_purge_deletes_old_unconfirmed_signatures_only(campaign, settings):
    settings.PLEDGE_PURGE_UNCONFIRMED_DAYS = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = sign(campaign, email="old@example.org").signature
        kept = signed_and_confirmed(campaign, email="kept@example.org")
    with time_machine.travel(start + timedelta(days=9), tick=False):
        recent = sign(campaign, email="recent@example.org").signature
    with time_machine.travel(start + timedelta(days=11), tick=False):
        assert services.purge_unconfirmed() == 1
        assert services.purge_unconfirmed() == 0
    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, recent.pk}
    assert old.pk not in remaining


def test_statement_versions_snapshot_the_text_people_signed(campaign):
    first = sign(campaign, email="a@example.org").signature
    assert first.statement_version.number == 1
    assert first.statement_version.text == campaign.statement
    # Signing again with the same text reuses the version.
    assert sign(campaign, email="b@example.org").signature.statement_version_id == (
        first.statement_version_id
    )
    Campaign.objects.filter(pk=campaign.pk).update(statement="We refuse, amended.")
    campaign.refresh_from_db()
    later = sign(campaign, email="c@example.org").signature
    assert later.statement_version.number == 2
    assert StatementVersion.objects.filter(campaign=campaign).count() == 2
    assert sign(campaign, email="d@example.org").signature.statement_version.number == 2


def test_record_statement_edit_only_versions_signed_statements(campaign):
    assert services.record_statement_edit(campaign) is None
    sign(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(statement="New text")
    campaign.refresh_from_db()
    assert services.record_statement_edit(campaign).number == 2
    assert services.record_statement_edit(campaign).number == 2


def test_over_the_rate_limit_signatures_are_suspect_uncounted_and_not_emailed(
    campaign, rate_limits
):
    for n in range(3):
        assert sign(campaign, email=f"p{n}@one.example", ip="office").outcome == "new"
    result = sign(campaign, email="p4@one.example", ip="office")
    assert result.outcome == "suspect"
    assert result.signature.status == Signature.Status.SUSPECT
    run_tasks()
    assert "p4@one.example" not in [m.to[0] for m in mail.outbox]
    services.confirm_signature(result.signature.pk)
    assert progress.campaign_progress(campaign).signatures == 0


def test_rate_limits_per_email_and_per_domain(campaign, rate_limits):
    other = [create_campaign(f"c{n}") for n in range(4)]
    outcomes = [sign(c, email="same@example.org").outcome for c in other]
    assert outcomes == ["new", "new", "new", "suspect"]
    outcomes = [sign(campaign, email=f"u{n}@bulk.example").outcome for n in range(6)]
    assert outcomes == ["new"] * 5 + ["suspect"]


def test_shared_mail_providers_are_not_held_by_the_domain_limit(campaign, rate_limits, settings):
    outcomes = [sign(campaign, email=f"u{n}@gmail.com").outcome for n in range(7)]
    assert outcomes == ["new"] * 7
    settings.PLEDGE_SHARED_MAIL_DOMAINS = ["Bulk.example"]
    outcomes = [sign(campaign, email=f"u{n}@bulk.example").outcome for n in range(7)]
    assert outcomes == ["new"] * 7


def test_rate_limit_window_passes(campaign, rate_limits):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(3):
            sign(campaign, email=f"p{n}@x.example", ip="office")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert sign(campaign, email="later@x.example", ip="office").outcome == "new"


def test_moderator_releases_a_suspect_signature(campaign, rate_limits, moderator):
    for n in range(4):
        result = sign(campaign, email=f"p{n}@y.example", ip="office")
    services.release_suspect(result.signature, by=moderator)
    message = last_email_to("p3@y.example")
    assert "/confirm/" in message.body
    with pytest.raises(services.InvalidTransition):
        services.release_suspect(result.signature, by=moderator)


def test_unicode_is_stored_intact(campaign):
    names = ["أمينة يوسف", "अमीना यूसुफ़", "王小明", "Amina 🌍✊"]
    for n, name in enumerate(names):
        sign(campaign, email=f"u{n}@example.org", name=name, affiliation=name)
    stored = set(Signature.objects.values_list("name", flat=True))
    assert stored == set(names)


def test_data_request_emails_only_known_addresses(campaign):
    sign(campaign)
    assert services.request_my_data("AMINA@example.org", language="fr")
    assert not services.request_my_data("nobody@example.org", language="en")
    message = last_email_to("amina@example.org")
    assert "/fr/my-data/" in message.body


def test_aliases_of_one_mailbox_sign_once_and_get_emails_at_the_first_address(campaign):
    spellings = [
        "amina.yusuf@gmail.com",
        "aminayusuf@gmail.com",
        "Amina.Yusuf+refuse@gmail.com",
        "a.m.i.n.a.yusuf@googlemail.com",
        "aminayusuf+news@googlemail.com",
    ]
    outcomes = [services.sign(campaign, signature_data(email=e)).outcome for e in spellings]
    assert outcomes == ["new", "resent", "resent", "resent", "resent"]
    (signature,) = Signature.objects.filter(campaign=campaign)
    assert signature.email == "amina.yusuf@gmail.com"  # what the person typed first
    run_tasks()
    assert {m.to[0] for m in mail.outbox} == {"amina.yusuf@gmail.com"}


def test_plus_tags_are_one_mailbox_at_any_provider_but_dots_only_at_gmail(campaign):
    services.sign(campaign, signature_data(email="lucia@riseup.net"))
    assert services.sign(campaign, signature_data(email="lucia+x@riseup.net")).outcome == "resent"
    assert services.sign(campaign, signature_data(email="lu.cia@riseup.net")).outcome == "new"


def test_rate_limits_count_aliases_of_one_mailbox_together(campaign, settings):
    settings.PLEDGE_RATE_LIMITS = {"email": (2, 3600)}
    other = create_campaign("other")
    third = create_campaign("third")
    services.sign(campaign, signature_data(email="kofi@gmail.com"))
    services.sign(other, signature_data(email="k.o.f.i@gmail.com"))
    assert services.sign(third, signature_data(email="kofi+3@googlemail.com")).outcome == (
        "suspect"
    )
