"""Signing by text message: "SIGN <keyword> <name>" to the coalition's number.

Africa's Talking posts each inbound SMS to the callback (`pledges.callbacks`: `from`, `to`,
`text`, `date`, `id`, `linkId`). A message in the keyword's shape signs the campaign whose
phone channel has that keyword and takes SMS (`pledges.services.sign_by_phone`, which queues
the reply); anything else gets a help reply. The keyword word is case-insensitive and may be
said in any of the site's languages (FIRMAR, SIGNER, ASSINAR, وقع); extra spaces are forgiven.

Replies are written when they are sent (`reply_text`, by the task), in the signer's
language, short enough for one text message of the campaign's alphabet.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from pledges import phone, services
from pledges.models import Signature, SmsReply
from pledges.ussd import fit

# The word before the keyword, in each language it may be sent in ("" : the campaign's).
SIGN_WORDS = {
    "sign": "",
    "firmar": "es",
    "firma": "es",
    "signer": "fr",
    "signe": "fr",
    "assinar": "pt",
    "assino": "pt",
    "وقع": "ar",
    "وقّع": "ar",
    "توقيع": "ar",
}
MAX_TEXT = 480  # three concatenated messages: anything longer is not a keyword
SMS_MAX = 160
CODES_IN_HELP = 3


@dataclass(frozen=True)
class Keyword:
    code: str
    name: str
    language: str  # "" when the word was SIGN: the campaign's own language


def parse(text: str) -> Keyword | None:
    """ "  sign  refuse   Amina  Yusuf " → Keyword("REFUSE", "Amina Yusuf", ""); else None."""
    if not text or len(text) > MAX_TEXT:
        return None
    words = text.split()
    if len(words) < 3 or words[0].casefold() not in SIGN_WORDS:
        return None
    name = " ".join(words[2:])
    if len(name) > services.PHONE_NAME_MAX or not any(c.isalpha() for c in name):
        return None
    return Keyword(code=words[1].upper(), name=name, language=SIGN_WORDS[words[0].casefold()])


@dataclass(frozen=True)
class Handled:
    outcome: str  # a sign_by_phone outcome, or "help", "closed", "unknown-country"


def handle(number: str, text: str, *, now=None) -> Handled:
    """Sign, or reply with help, for one inbound text from `number` (normalised E.164)."""
    now = now or timezone.now()
    keyword = parse(text)
    channels = {channel.code: channel for channel in phone.open_channels(sms=True, now=now)}
    channel = channels.get(keyword.code) if keyword else None
    if channel is None:
        language = (keyword.language if keyword else "") or settings.LANGUAGE_CODE
        services.reply_by_sms(number, SmsReply.Kind.HELP, campaign=None, language=language, now=now)
        return Handled("help")
    campaign = channel.campaign
    offered = campaign.available_languages()
    language = keyword.language if keyword.language in offered else campaign.default_language
    country = phone.country_of(number) or channel.default_country.code
    if not country:
        services.reply_by_sms(
            number, SmsReply.Kind.CLOSED, campaign=campaign, language=language, now=now
        )
        return Handled("unknown-country")
    try:
        result = services.sign_by_phone(
            campaign,
            phone=number,
            name=keyword.name,
            country=country,
            language=language,
            channel=Signature.Channel.SMS,
            now=now,
        )
    except services.CampaignNotOpen:
        services.reply_by_sms(
            number, SmsReply.Kind.CLOSED, campaign=campaign, language=language, now=now
        )
        return Handled("closed")
    return Handled(result.outcome)


def reply_text(reply: SmsReply) -> str:
    """The reply's text in its language; no name or number in it."""
    with translation.override(reply.language):
        campaign = reply.campaign
        values = {"title": fit(campaign.content(reply.language).title, 60) if campaign else ""}
        if reply.kind == SmsReply.Kind.SIGNED:
            text = gettext("Thank you! Your signature on “%(title)s” is counted.") % values
        elif reply.kind == SmsReply.Kind.ALREADY_SIGNED:
            text = gettext("This number has already signed “%(title)s”. Thank you!") % values
        elif reply.kind == SmsReply.Kind.CLOSED and campaign is not None:
            text = gettext("Sorry, “%(title)s” cannot take your signature by text.") % values
        else:
            codes = [c.code for c in phone.open_channels(sms=True)][:CODES_IN_HELP]
            if codes:
                text = gettext(
                    "To sign, text SIGN, a keyword and your name, e.g. SIGN %(code)s Amina. "
                    "Keywords: %(codes)s"
                ) % {"code": codes[0], "codes": ", ".join(codes)}
            else:
                text = gettext("No campaign takes signatures by text message right now.")
        return fit(text, SMS_MAX)
