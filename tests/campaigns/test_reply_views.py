"""The right of reply in the staff area and on public pages: asking and recording replies
(forms, bad input, roles), the download (an attachment, never inline), the target page,
the tracker and the API showing the clock."""

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns import replies
from campaigns.models import ReplyRequest, Target, TargetReply
from tests.campaigns.replies_helpers import PDF, PNG, ask, drive_target, pdf, reply_to
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db
ADMIN = f"/{settings.ADMIN_PATH}"


@pytest.fixture
def meta(db):
    return drive_target("meta")


def ask_form(target, **overrides) -> dict:
    return {
        "target": target.pk,
        "campaign": "",
        "asked_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "channel": "email",
        "question": "Will you end the contract?",
        "due_on": "",
    } | overrides


def reply_url(request) -> str:
    return f"{ADMIN}campaigns/replyrequest/{request.pk}/reply/"


def test_communications_asks_with_the_default_due_date(client, comms, meta):
    verified_login(client, comms)
    response = client.post(f"{ADMIN}campaigns/replyrequest/add/", ask_form(meta))
    assert response.status_code == 302
    request = ReplyRequest.objects.get()
    assert request.due_on == request.asked_on + timedelta(days=21)
    assert request.asked_by == comms


def test_a_due_date_before_the_ask_is_a_form_error(client, comms, meta):
    verified_login(client, comms)
    asked = timezone.localdate() - timedelta(days=2)
    form = ask_form(meta, due_on=(asked - timedelta(days=1)).isoformat())
    response = client.post(f"{ADMIN}campaigns/replyrequest/add/", form)
    assert response.status_code == 200
    assert "The reply cannot be due before the date asked." in response.content.decode()
    assert not ReplyRequest.objects.exists()


def test_recording_a_reply_for_an_unknown_request_is_a_404(client, comms):
    verified_login(client, comms)
    assert client.get(f"{ADMIN}campaigns/replyrequest/999/reply/").status_code == 404
    assert client.post(f"{ADMIN}campaigns/replyrequest/abc/reply/").status_code == 404


@pytest.mark.parametrize("persona", ["moderator", "finance", "translator"])
def test_roles_that_may_not_record_replies_get_a_403(client, request, meta, persona):
    verified_login(client, request.getfixturevalue(persona))
    reply_request = ask(meta, timezone.localdate())
    response = client.post(
        reply_url(reply_request),
        {"received_on": timezone.localdate().isoformat(), "summary": "S", "document": pdf()},
    )
    assert response.status_code == 403
    assert not TargetReply.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("reply.pdf", b"MZ\x90\x00 not a pdf"), "Upload a PDF, PNG or JPEG"),
        (SimpleUploadedFile("reply.pdf", PNG), "not what its name says"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024 + 1)), "5 MB or smaller"),
    ],
)
def test_bad_documents_are_form_errors(client, comms, meta, upload, message):
    verified_login(client, comms)
    reply_request = ask(meta, timezone.localdate())
    response = client.post(
        reply_url(reply_request),
        {"received_on": timezone.localdate().isoformat(), "summary": "S", "document": upload},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TargetReply.objects.exists()


def test_a_reply_before_the_ask_is_a_form_error(client, comms, meta):
    verified_login(client, comms)
    reply_request = ask(meta, timezone.localdate())
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reply_url(reply_request),
        {"received_on": yesterday, "summary": "S", "url": "https://about.example.com/r"},
    )
    assert response.status_code == 400
    assert "The reply cannot come before the date asked." in response.content.decode()


def test_the_document_is_a_download_never_inline(client, comms, moderator, meta):
    reply = reply_to(ask(meta, date(2026, 3, 3)), date(2026, 3, 18), document=pdf())
    url = f"/targets/meta/replies/{reply.pk}/document/"
    assert client.get(url).status_code == 404  # not published yet
    verified_login(client, moderator)
    staff = client.get(f"{ADMIN}campaigns/targetreply/{reply.pk}/document/")
    assert staff.status_code == 200
    assert staff["Content-Disposition"].startswith("attachment;")
    client.logout()
    replies.publish_reply(reply, by=moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # streamed from storage
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="meta-reply-{reply.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/targets/alphabet/replies/{reply.pk}/document/").status_code == 404


@time_machine.travel("2026-03-30 10:00 +0000", tick=False)
def test_target_page_tracker_and_api_show_the_clock(client, moderator, meta):
    replied = ask(meta, date(2026, 3, 3))
    replies.publish_reply(reply_to(replied, date(2026, 3, 18), document=pdf()), by=moderator)
    alphabet = Target.objects.get(slug="alphabet")
    ask(alphabet, date(2026, 3, 1))  # due 22 March: overdue
    page = client.get("/targets/meta/").content.decode()
    assert "Asked March 3, 2026, replied March 18, 2026" in page
    assert "read the reply" in page and "Download the reply (PDF)" in page
    assert "Meta says it complies with the law." in page
    overdue = client.get("/targets/alphabet/").content.decode()
    assert "Asked March 1, 2026, reply due March 22, 2026 — overdue, no reply" in overdue
    spanish = client.get("/es/targets/alphabet/").content.decode()
    assert "1 de marzo de 2026" in spanish
    tracker = client.get("/c/bds/tracker/").content.decode()
    assert "replied March 18, 2026" in tracker and "overdue, no reply" in tracker
    body = client.get("/api/v1/targets/meta/").json()
    assert body["reply"]["state"] == "replied"
    assert body["reply"]["replied_on"] == "2026-03-18"
    assert body["reply"]["document_url"].endswith("/document/")
    assert [r["state"] for r in body["reply_requests"]] == ["replied"]
    listed = {t["slug"]: t for t in client.get("/api/v1/targets/").json()["results"]}
    assert listed["alphabet"]["reply"]["state"] == "overdue"
    assert listed["alphabet"]["reply"]["due_on"] == "2026-03-22"


def test_a_pending_reply_is_not_on_the_public_page(client, meta):
    reply_to(ask(meta, date(2026, 3, 3)), date(2026, 3, 18), document=pdf())
    page = client.get("/targets/meta/").content.decode()
    assert "Meta says it complies" not in page
    assert client.get("/api/v1/targets/meta/").json()["reply"]["summary"] is None


def test_communications_moves_the_due_date_but_not_before_the_ask(client, comms, meta):
    verified_login(client, comms)
    reply_request = ask(meta, date(2026, 3, 3))
    url = f"{ADMIN}campaigns/replyrequest/{reply_request.pk}/change/"
    assert client.post(url, {"due_on": "2026-03-01"}).status_code == 200
    assert client.post(url, {"due_on": ""}).status_code == 200  # required once asked
    assert client.post(url, {"due_on": "2026-04-15"}).status_code == 302
    reply_request.refresh_from_db()
    assert reply_request.due_on == date(2026, 4, 15)


def test_staff_lists_show_each_request_its_clock_and_replies(client, comms, moderator, meta):
    first = ask(meta, date(2026, 3, 3))
    replies.publish_reply(reply_to(first, date(2026, 3, 18), document=pdf()), by=moderator)
    second = ask(meta, date(2026, 3, 4))
    verified_login(client, comms)
    listing = client.get(f"{ADMIN}campaigns/replyrequest/").content.decode()
    assert "replied" in listing and "Published" in listing
    page = client.get(f"{ADMIN}campaigns/replyrequest/{second.pk}/change/").content.decode()
    assert reply_url(second) in page  # "Record the reply"
    page = client.get(f"{ADMIN}campaigns/replyrequest/{first.pk}/change/").content.decode()
    assert reply_url(first) not in page  # answered: nothing more to record
    assert client.get(f"{ADMIN}campaigns/targetreply/").status_code == 200
    assert client.get(f"{ADMIN}campaigns/targetchange/").status_code == 200
