"""Building reply requests, replies and documents through our own services, for the tests."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns import replies
from campaigns.models import ReplyRequest, Target
from tests.commitments.helpers import create_drive

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def pdf(name: str = "reply.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def drive_target(slug: str = "meta") -> Target:
    create_drive("bds")
    return Target.objects.get(slug=slug)


def ask(target: Target, asked_on: date, *, due_on: date | None = None, by=None) -> ReplyRequest:
    return replies.ask_target(
        target,
        replies.AskData(
            asked_on=asked_on,
            channel=ReplyRequest.Channel.EMAIL,
            question="Will you end the contract?",
            due_on=due_on,
        ),
        by=by,
        today=max(asked_on, timezone.localdate()),
    )


def reply_to(request: ReplyRequest, received_on: date, *, document=None, url="", by=None):
    return replies.record_reply(
        request,
        replies.ReplyData(
            received_on=received_on,
            summary="Meta says it complies with the law.",
            url=url,
            document=document,
        ),
        by=by,
        today=max(received_on, timezone.localdate()),
    )
