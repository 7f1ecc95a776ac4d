"""The right of reply: the public clock (due, overdue, replied), the moderation of replies,
documents checked by their bytes, the reminders Communications gets once per state, and
the `target.reply_recorded` webhook."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from campaigns import replies
from campaigns.models import ReplyRequest, TargetReply
from lib.transitions import InvalidTransition
from partners import services as partner_services
from partners.models import Partner, WebhookDelivery
from staff.models import AuditEvent
from tests.campaigns.replies_helpers import JPEG, PDF, PNG, ask, drive_target, pdf, reply_to
from tests.conftest import run_tasks

pytestmark = pytest.mark.django_db

MARCH_3 = date(2026, 3, 3)
MARCH_24 = date(2026, 3, 24)


@pytest.fixture
def meta(db):
    return drive_target("meta")


@pytest.fixture
def subscription(db, settings):
    settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
    partner = Partner.objects.create(name="Allies", ref="allies")
    return partner_services.subscribe_webhook(
        partner,
        url="http://127.0.0.1:9/hook",
        events=["target.reply_recorded", "target.list_changed"],
    )


def reminders() -> list:
    """The reminder emails (the campaign's launch email goes to Communications too)."""
    return [m for m in mail.outbox if m.subject.startswith(("Reply due soon", "Overdue"))]


def reply_events() -> list[dict]:
    return [d.payload for d in WebhookDelivery.objects.filter(event_type="target.reply_recorded")]


# The clock -----------------------------------------------------------------------------------


@time_machine.travel("2026-03-03 10:00 +0000", tick=False)
def test_a_request_is_due_by_default_21_days_after_the_ask(meta, comms):
    request = ask(meta, MARCH_3, by=comms)
    assert request.due_on == MARCH_24
    clock = replies.clock(request)
    assert clock.state == replies.AWAITING
    assert AuditEvent.objects.filter(action="target.reply_requested").count() == 1


def test_the_due_date_is_configurable_per_request_and_by_setting(meta, settings):
    settings.REPLY_DUE_DAYS = 60
    assert ask(meta, MARCH_3).due_on == MARCH_3 + timedelta(days=60)
    assert ask(meta, MARCH_3, due_on=date(2026, 3, 10)).due_on == date(2026, 3, 10)


def test_a_due_date_before_the_ask_is_refused_by_the_service_and_the_database(meta):
    with pytest.raises(ValidationError) as refused:
        ask(meta, MARCH_3, due_on=date(2026, 3, 2))
    assert "due_on" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ReplyRequest.objects.create(
            target=meta, asked_on=MARCH_3, due_on=date(2026, 3, 1), channel="email", question="?"
        )


def test_the_clock_is_awaiting_until_the_due_date_then_overdue(meta):
    request = ask(meta, MARCH_3)
    with time_machine.travel("2026-03-24 23:00 +0000", tick=False):
        assert replies.clock(request).state == replies.AWAITING  # due today: not overdue yet
    with time_machine.travel("2026-03-25 12:00 +0000", tick=False):
        assert replies.clock(request).state == replies.OVERDUE


def test_a_reply_is_public_only_once_a_moderator_publishes_it(meta, comms, moderator):
    request = ask(meta, MARCH_3)
    with time_machine.travel("2026-03-30 12:00 +0000", tick=False):
        reply = reply_to(request, date(2026, 3, 18), document=pdf(), by=comms)
        assert reply.status == TargetReply.Status.PENDING
        assert replies.clock(request).state == replies.OVERDUE  # pending: not public
        replies.publish_reply(reply, by=moderator)
        clock = replies.clock(request)
    assert clock.state == replies.REPLIED
    assert clock.reply.received_on == date(2026, 3, 18)
    assert not clock.late
    assert clock.document_url == f"/targets/meta/replies/{reply.pk}/document/"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"target.reply_recorded", "target.reply_published"} <= actions


def test_a_reply_after_the_due_date_is_late(meta, moderator):
    request = ask(meta, MARCH_3)
    reply = reply_to(request, date(2026, 3, 28), url="https://about.example.com/reply")
    replies.publish_reply(reply, by=moderator)
    assert replies.clock(request).late


def test_a_rejected_reply_keeps_the_clock_and_another_may_be_recorded(meta, moderator):
    request = ask(meta, MARCH_3)
    first = reply_to(request, date(2026, 3, 10), url="https://about.example.com/reply")
    with pytest.raises(ValidationError):
        reply_to(request, date(2026, 3, 11), url="https://about.example.com/other")
    with pytest.raises(ValidationError):
        replies.reject_reply(first, by=moderator, reason="  ")
    replies.reject_reply(first, by=moderator, reason="The wrong letter")
    with pytest.raises(InvalidTransition):
        replies.publish_reply(first, by=moderator)
    second = reply_to(request, date(2026, 3, 11), document=pdf())
    assert second.status == TargetReply.Status.PENDING


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("reply.pdf", PDF, "pdf"), ("scan.PNG", PNG, "png"), ("scan.jpg", JPEG, "jpeg")],
)
def test_documents_are_pdf_png_or_jpeg_by_their_bytes(meta, name, content, kind):
    reply = reply_to(ask(meta, MARCH_3), date(2026, 3, 5), document=pdf(name, content))
    assert reply.document_type == kind
    assert reply.document.name.startswith("target-replies/")
    assert name.lower() not in reply.document.name.lower()  # a random name, never theirs


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("reply.pdf", b"<html><script>alert(1)</script></html>"),  # disguised as a PDF
        ("reply.pdf", PNG),  # a PNG named .pdf
        ("reply.html", PDF),  # a PDF under another name
        ("reply.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ],
)
def test_other_files_are_refused_whatever_their_name(meta, name, content):
    request = ask(meta, MARCH_3)
    with pytest.raises(ValidationError) as refused:
        reply_to(request, date(2026, 3, 5), document=pdf(name, content))
    assert "document" in refused.value.message_dict
    assert not TargetReply.objects.exists()


def test_a_document_over_5_mb_is_refused(meta):
    big = SimpleUploadedFile("reply.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as refused:
        reply_to(ask(meta, MARCH_3), date(2026, 3, 5), document=big)
    assert "5 MB" in refused.value.message_dict["document"][0]


def test_a_reply_needs_a_link_or_a_document_and_a_date_after_the_ask(meta):
    request = ask(meta, MARCH_3)
    with pytest.raises(ValidationError) as refused:
        reply_to(request, date(2026, 3, 1), url="")
    assert set(refused.value.message_dict) == {"received_on", "url"}


def test_roles_that_may_not_record_or_publish_are_refused(meta, moderator, comms, finance):
    request = ask(meta, MARCH_3)
    with pytest.raises(PermissionDenied):
        reply_to(request, date(2026, 3, 5), url="https://about.example.com/r", by=moderator)
    with pytest.raises(PermissionDenied):
        ask(meta, MARCH_3, by=finance)
    reply = reply_to(request, date(2026, 3, 5), url="https://about.example.com/r", by=comms)
    with pytest.raises(PermissionDenied):
        replies.publish_reply(reply, by=comms)
    assert TargetReply.objects.get().status == TargetReply.Status.PENDING


# Reminders -----------------------------------------------------------------------------------


def test_communications_hears_once_when_due_soon_and_once_when_overdue(meta, comms, subscription):
    request = ask(meta, MARCH_3)  # due on 24 March; reminded 3 days before
    with time_machine.travel("2026-03-20 06:00 +0000", tick=False):
        assert replies.send_reply_reminders() == {"due_soon": 0, "overdue": 0}
    with time_machine.travel("2026-03-21 06:00 +0000", tick=False):
        assert replies.send_reply_reminders() == {"due_soon": 1, "overdue": 0}
        replies.send_reply_reminders()  # twice before the worker: still one email
        run_tasks()
        assert replies.send_reply_reminders() == {"due_soon": 0, "overdue": 0}
    (due_soon,) = reminders()
    assert due_soon.to == ["comms@staff.example"]
    assert "Reply due soon: Meta" in due_soon.subject
    assert f"/replyrequest/{request.pk}/reply/" in due_soon.body
    assert reply_events() == []  # due soon is no public event
    with time_machine.travel("2026-03-25 06:00 +0000", tick=False):
        assert replies.send_reply_reminders() == {"due_soon": 0, "overdue": 1}
        run_tasks()
        replies.send_reply_reminders()
        run_tasks()
    assert [m.subject for m in reminders()[1:]] == ["Overdue: Meta has not replied"]
    request.refresh_from_db()
    assert request.due_soon_sent_at and request.overdue_sent_at
    (event,) = reply_events()
    assert event["type"] == "target.reply_recorded"
    assert event["data"]["target"] == {"slug": "meta", "name": "Meta"}
    assert event["data"]["reply"]["state"] == "overdue"
    assert event["data"]["reply"]["replied_on"] is None


def test_no_reminder_once_the_target_replied(meta, comms):
    request = ask(meta, MARCH_3)
    reply_to(request, date(2026, 3, 10), url="https://about.example.com/r")
    with time_machine.travel("2026-03-30 06:00 +0000", tick=False):
        assert replies.send_reply_reminders() == {"due_soon": 0, "overdue": 0}
        run_tasks()
    assert reminders() == []


def test_a_reminder_task_for_a_request_that_was_answered_meanwhile_sends_nothing(meta, comms):
    request = ask(meta, MARCH_3)
    with time_machine.travel("2026-03-25 06:00 +0000", tick=False):
        replies.send_reply_reminders()
        reply_to(request, date(2026, 3, 24), url="https://about.example.com/r")
        run_tasks()
    assert reminders() == []
    request.refresh_from_db()
    assert request.overdue_sent_at is None


def test_a_later_due_date_makes_the_reminders_due_again(meta, comms):
    request = ask(meta, MARCH_3)
    with time_machine.travel("2026-03-25 06:00 +0000", tick=False):
        replies.send_reply_reminders()
        run_tasks()
        replies.change_reply_due_date(request, date(2026, 4, 10), by=comms)
        assert replies.clock(ReplyRequest.objects.get()).state == replies.AWAITING
    with time_machine.travel("2026-04-11 06:00 +0000", tick=False):
        assert replies.send_reply_reminders()["overdue"] == 1


# Events --------------------------------------------------------------------------------------


def test_publishing_a_reply_tells_partners_without_personal_data(meta, comms, moderator,
                                                                 subscription):  # fmt: skip
    request = ask(meta, MARCH_3, by=comms)
    reply = reply_to(request, date(2026, 3, 18), document=pdf(), by=comms)
    assert reply_events() == []  # recorded: not public yet
    replies.publish_reply(reply, by=moderator)
    (event,) = reply_events()
    data = event["data"]
    assert data["reply"]["state"] == "replied"
    assert data["reply"]["replied_on"] == "2026-03-18"
    assert data["reply"]["document_url"] == (
        f"http://testserver/targets/meta/replies/{reply.pk}/document/"
    )
    text = str(event)
    assert "comms" not in text and "moderator" not in text and "@" not in text


def test_a_failed_transaction_leaves_no_reply_task_or_event(meta, comms, subscription):
    request = ask(meta, MARCH_3)
    with time_machine.travel("2026-03-25 06:00 +0000", tick=False):
        before = DBTaskResult.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            replies.send_reply_reminders()
            raise RuntimeError("rolled back")
        assert DBTaskResult.objects.count() == before
    request.refresh_from_db()
    assert request.overdue_sent_at is None


def test_the_demo_has_a_published_reply_and_an_overdue_request_once(db):
    from campaigns.demo import load_replies_demo
    from tests.commitments.helpers import create_drive

    create_drive("big-tech-bds")
    Target = ReplyRequest._meta.get_field("target").related_model
    Target.objects.get_or_create(slug="amazon", defaults={"name": "Amazon"})
    load_replies_demo()
    load_replies_demo()  # idempotent
    states = {r.target.slug: replies.clock(r).state for r in ReplyRequest.objects.all()}
    assert states == {"meta": "replied", "amazon": "overdue", "alphabet": "awaiting"}
    assert TargetReply.objects.get().document_type == "pdf"
