"""Communications records that Meta was asked for a reply, then the reply with its PDF; a
moderator publishes it; the public reads it on Meta's page and downloads the document (an
attachment, never shown inline)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.models import ReplyRequest, TargetReply
from tests.campaigns.replies_helpers import PDF
from tests.commitments.helpers import create_drive

ADMIN = f"/{settings.ADMIN_PATH}"


def test_comms_asks_meta_records_the_reply_and_the_public_reads_it(
    page, site, staff_page, comms, moderator, browser, tmp_path, screenshot
):
    page.set_default_timeout(30000)  # a busy shared machine
    create_drive("big-tech-bds")
    asked = timezone.localdate() - timedelta(days=10)
    document = tmp_path / "meta-reply.pdf"
    document.write_bytes(PDF)

    # Communications records the ask.
    staff_page(comms)
    page.goto(f"{site.url}{ADMIN}campaigns/replyrequest/add/")
    page.get_by_label("Target").select_option(label="Meta")
    page.get_by_label("Asked on").fill(asked.isoformat())
    page.get_by_label("Channel").select_option("email")
    page.get_by_label("What was asked").fill("Will you end the contracts your page names?")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("link", name="Record the reply").wait_for()
    request = ReplyRequest.objects.get()
    assert request.due_on == asked + timedelta(days=21)
    screenshot("comms-reply-request")

    # Then the reply, with its PDF.
    page.get_by_role("link", name="Record the reply").click()
    page.get_by_label("Received on").fill((asked + timedelta(days=5)).isoformat())
    page.get_by_label("Document").set_input_files(str(document))
    page.get_by_label("Summary").fill("Meta says it does not comment on contracts.")
    page.get_by_role("button", name="Record the reply").click()
    page.get_by_text("The reply is recorded: a moderator publishes it.").wait_for()
    reply = TargetReply.objects.get()
    assert reply.status == TargetReply.Status.PENDING
    assert reply.document_type == "pdf"

    # A moderator publishes it from the Target replies queue.
    page.context.clear_cookies()
    staff_page(moderator)
    page.goto(f"{site.url}{ADMIN}workspace/moderation/target-replies/")
    page.get_by_role("link", name="Meta: reply of").first.click()
    page.get_by_text("Meta says it does not comment on contracts.").wait_for()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published: the reply is on the target's page.").wait_for()
    reply.refresh_from_db()
    assert reply.status == TargetReply.Status.PUBLISHED

    # The public, in a fresh browser.
    public = browser.new_context()
    try:
        visitor = public.new_page()
        assert visitor.goto(f"{site.url}/targets/meta/").status == 200
        section = visitor.locator(".right-of-reply")
        assert "replied" in section.inner_text()
        assert "Meta says it does not comment on contracts." in section.inner_text()
        link = section.get_by_role("link", name="Download the reply (PDF)")
        href = link.get_attribute("href")
        assert href == f"/targets/meta/replies/{reply.pk}/document/"
        with visitor.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == f"meta-reply-{reply.pk}.pdf"
        response = visitor.request.get(site.url + href)
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.body() == PDF
        screenshot("public-reads-the-reply", visitor)
    finally:
        public.close()
