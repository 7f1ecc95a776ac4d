"""Demo right-of-reply requests for the BDS drive's targets (`manage.py load_demo`)."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns import replies
from campaigns.models import Campaign, ReplyRequest, Target

# A one-page PDF, as small as a valid one gets: the demo's reply document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

QUESTION = (
    "Our coalition lists you as a target of its Big Tech BDS drive. Do you dispute any fact on "
    "your page, and will you end the contracts it names? We publish your answer, or its absence."
)

# (target, asked this many days ago, days to reply, replied this many days after the ask)
REQUESTS = [
    ("meta", 30, 21, 15),  # replied, published
    ("amazon", 40, 21, None),  # no reply: overdue
    ("alphabet", 5, 21, None),  # no reply yet
]


def load_replies_demo(slug: str = "big-tech-bds") -> None:
    """A replied request (published, with a PDF), an overdue one and one awaiting. Idempotent:
    a target asked already is left as it is."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.is_public():
        return
    today = timezone.localdate()
    for target_slug, asked_ago, days, replied_after in REQUESTS:
        target = Target.objects.filter(slug=target_slug).first()
        if target is None or ReplyRequest.objects.filter(target=target).exists():
            continue
        asked_on = today - timedelta(days=asked_ago)
        request = replies.ask_target(
            target,
            replies.AskData(
                asked_on=asked_on,
                channel=ReplyRequest.Channel.EMAIL,
                question=QUESTION,
                due_on=asked_on + timedelta(days=days),
                campaign=campaign,
            ),
            by=None,
        )
        if replied_after is None:
            continue
        reply = replies.record_reply(
            request,
            replies.ReplyData(
                received_on=asked_on + timedelta(days=replied_after),
                summary=(
                    f"{target.name} says it complies with the law everywhere it operates and "
                    "does not comment on individual contracts."
                ),
                document=ContentFile(DEMO_PDF, name="reply.pdf"),
            ),
            by=None,
        )
        replies.publish_reply(reply, by=None)
