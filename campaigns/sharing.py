"""Sharing a campaign: plain links (no third-party script), and the next steps offered right
after someone acts, when they are most willing to pass it on."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign
from campaigns.queries import open_campaigns


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Plain links to share a campaign: no third-party script is loaded."""
    text = f"{title} {url}"
    return [
        ("Email", "mailto:?" + urlencode({"subject": title, "body": url})),
        ("Mastodon", "https://mastodonshare.com/?" + urlencode({"text": text})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
    ]


def share_url(campaign: Campaign, language: str | None = None) -> str:
    """The campaign's address in `language` (the active one by default)."""
    with translation.override(language or translation.get_language()):
        return settings.SITE_URL + campaign.get_absolute_url()


def fundraiser_for(campaign: Campaign) -> Campaign | None:
    """Where to give after acting: the campaign itself if it raises money, else the newest
    open fundraiser of the coalition, if any."""
    if campaign.collects_donations:
        return campaign
    return open_campaigns().filter(kind=Campaign.Kind.FUNDRAISER).first()


def next_steps(campaign: Campaign) -> dict:
    """The context of the "what next" block: share, invite an organisation, give."""
    language = translation.get_language()
    content = campaign.content(language)
    url = share_url(campaign, language)
    fundraiser = fundraiser_for(campaign)
    return {
        "content": content,
        "share_url": url,
        "share_links": share_links(url, content.title),
        "donate_url": reverse("donations:donate", args=[fundraiser.slug]) if fundraiser else "",
        "invite_organisations": campaign.collects_organisations and campaign.is_open(),
    }
