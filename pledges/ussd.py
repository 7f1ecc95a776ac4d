"""The USSD menu: one session's answers so far in, the next screen out.

Africa's Talking posts every step of a session to the callback (`pledges.callbacks`) with
`text`, every answer so far joined by "*" (empty on the first screen); the answer is
`CON <screen>` to ask more or `END <screen>` to close. Nothing is stored between steps: the
answers are replayed through the steps each time, so a step that got an answer it cannot use
asks again (and the answer after that is the new try).

The steps: the language (when the campaigns offer more than one), the campaign (when more
than one takes signatures by USSD; its number or its keyword), its statement in a few words
(sign or leave), the name, whether to list it publicly, then the confirmation, which signs
through `pledges.services.sign_by_phone`. Every answer, prefix included, is at most 182
characters (`BODY_MAX`, the USSD limit): fixed texts (questions, menus) are kept whole, the
campaign's own texts are shortened to fit.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import get_language_info, gettext, pgettext

from campaigns.models import Campaign
from pledges import phone, services
from pledges.models import PhoneChannel, Signature

BODY_MAX = 182
TEXT_MAX = BODY_MAX - len("CON ")
TITLE_ON_SUMMARY = 50
MAX_LISTED = 5  # campaigns listed by number; more are reached by typing their keyword
# A session's `text` grows by one answer a step; a real one stays far below these.
MAX_TEXT = 600
MAX_ANSWERS = 20
ELLIPSIS = "…"


class MalformedSession(ValueError):
    """Not a USSD session post as the provider sends them: `message` is the END screen."""

    def __init__(self, message: str, *, status: int = 200):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Session:
    session_id: str
    service_code: str
    phone: str  # normalised E.164, never stored
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    text: str
    end: bool

    @property
    def body(self) -> str:
        return ("END " if self.end else "CON ") + self.text


def fit(text: str, width: int) -> str:
    """`text` in at most `width` characters: cut at a word where one is near, with "…"."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def screen(*lines: str, head: str = "", notice: str = "") -> str:
    """A screen of at most TEXT_MAX characters: `notice`, then `head` shortened to the room
    left, then the fixed `lines` (a question, a menu)."""
    fixed = [line for line in (notice, *lines) if line]
    room = TEXT_MAX - sum(len(line) for line in fixed) - len(fixed)  # one line break each
    parts = [notice] if notice else []
    if head:
        parts.append(fit(head, max(room, 0)))
    parts += [line for line in lines if line]
    return fit_lines("\n".join(parts))


def fit_lines(text: str) -> str:
    """The last guard: never over TEXT_MAX, whatever the translations' lengths."""
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + ELLIPSIS


def parse_session(data) -> Session:
    """The provider's form fields, checked; `MalformedSession` otherwise."""
    session_id = str(data.get("sessionId", "")).strip()
    service_code = str(data.get("serviceCode", "")).strip()
    number = str(data.get("phoneNumber", "")).strip()
    text = str(data.get("text", ""))
    if not session_id or not service_code or not number or "text" not in data:
        raise MalformedSession(gettext("This request is not a USSD session."), status=400)
    if len(session_id) > 100 or len(service_code) > 40:
        raise MalformedSession(gettext("This request is not a USSD session."), status=400)
    try:
        number = phone.normalise_phone(number)
    except phone.InvalidPhone:
        raise MalformedSession(gettext("Sorry, your phone number could not be read.")) from None
    answers = tuple(answer.strip() for answer in text.split("*")) if text else ()
    if len(text) > MAX_TEXT or len(answers) > MAX_ANSWERS:
        raise MalformedSession(gettext("This session is too long. Please dial again."))
    return Session(session_id=session_id, service_code=service_code, phone=number, answers=answers)


class _Ask(Exception):
    """Stop here and show this screen: the answers so far end before this step."""

    def __init__(self, reply: Reply):
        self.reply = reply


def _ask(answers: Iterator[str], show: Callable[[str], str], read: Callable[[str], object]):
    """The next answer `read` accepts (not None); a refused answer asks again with a notice."""
    notice = ""
    for answer in answers:
        value = read(answer)
        if value is not None:
            return value
        notice = gettext("That is not one of the choices.")
    raise _Ask(Reply(show(notice), end=False))


def _end(text: str) -> Reply:
    return Reply(fit_lines(text), end=True)


def _choice(answer: str, count: int) -> int | None:
    """A menu number from 1 to `count`, as an index."""
    if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= count:
        return int(answer) - 1
    return None


def offered_languages(channels: list[PhoneChannel]) -> list[str]:
    """The site's languages that one of the campaigns is published in, in the site's order."""
    published = {code for channel in channels for code in channel.campaign.available_languages()}
    return [code for code, _name in settings.LANGUAGES if code in published]


def respond(session: Session, *, now=None) -> Reply:
    """The screen that answers `session` as it stands."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        channels = phone.open_channels(ussd=True, now=now)
        if not channels:
            return _end(gettext("No campaign takes signatures by phone right now."))
        answers = iter(session.answers)
        languages = offered_languages(channels)
        try:
            language = _language(answers, languages)
            with translation.override(language):
                return _steps(session, answers, channels, language=language, now=now)
        except _Ask as ask:
            return ask.reply


def _language(answers: Iterator[str], languages: list[str]) -> str:
    if len(languages) <= 1:
        return languages[0] if languages else settings.LANGUAGE_CODE
    names = [f"{n} {_language_name(code)}" for n, code in enumerate(languages, 1)]
    return languages[
        _ask(
            answers,
            lambda notice: screen(gettext("Choose your language:"), *names, notice=notice),
            lambda answer: _choice(answer, len(languages)),
        )
    ]


def _language_name(code: str) -> str:
    """The language's own name, capitalised as a menu item: "Español", "Français"."""
    name = get_language_info(code)["name_local"]
    return name[:1].upper() + name[1:]


def _steps(
    session: Session,
    answers: Iterator[str],
    channels: list[PhoneChannel],
    *,
    language: str,
    now,
) -> Reply:
    channel = _campaign(answers, channels, language)
    campaign = channel.campaign
    title = campaign.content(language).title
    hashed = phone.phone_hash(session.phone)
    if phone.has_signed(campaign, hashed):
        return _end(
            gettext("This number has already signed “%(title)s”. Thank you!")
            % {"title": fit(title, 90)}
        )
    country = phone.country_of(session.phone) or channel.default_country.code
    if not country:
        return _end(gettext("Sorry, this campaign cannot take signatures from your number."))
    sign, leave = pgettext("ussd menu", "Sign"), pgettext("ussd menu", "Leave")
    wants = _ask(
        answers,
        lambda notice: screen(
            f"1 {sign}",
            f"2 {leave}",
            # The title kept short, so the summary says what is signed.
            head=f"{fit(title, TITLE_ON_SUMMARY)}: {phone.summary_for(channel, language)}",
            notice=notice,
        ),
        lambda answer: {"1": True, "2": False}.get(answer),
    )
    if not wants:
        return _end(gettext("Nothing was signed. Goodbye."))
    name = _ask(
        answers,
        lambda notice: screen(
            gettext("Enter your name (up to %(max)s letters):") % {"max": services.PHONE_NAME_MAX},
            notice=notice and gettext("Please type your name."),
        ),
        _name,
    )
    yes, no = pgettext("ussd menu", "Yes"), pgettext("ussd menu", "No")
    listed = _ask(
        answers,
        lambda notice: screen(
            gettext("Show your name on the public list of signatories?"),
            f"1 {yes}",
            f"2 {no}",
            notice=notice,
        ),
        lambda answer: {"1": True, "2": False}.get(answer),
    )
    confirm, cancel = pgettext("ussd menu", "Confirm"), pgettext("ussd menu", "Cancel")
    question = (
        gettext("Sign as %(name)s, name listed publicly?")
        if listed
        else gettext("Sign as %(name)s, name not listed?")
    ) % {"name": name}
    confirmed = _ask(
        answers,
        lambda notice: screen(question, f"1 {confirm}", f"2 {cancel}", head=title, notice=notice),
        lambda answer: {"1": True, "2": False}.get(answer),
    )
    if not confirmed:
        return _end(gettext("Nothing was signed. Goodbye."))
    return _sign(session, campaign, name=name, country=country, listed=listed, language=language)


def _campaign(answers: Iterator[str], channels: list[PhoneChannel], language: str) -> PhoneChannel:
    if len(channels) == 1:
        return channels[0]
    listed = channels[:MAX_LISTED]
    by_code = {channel.code: channel for channel in channels}

    def show(notice: str) -> str:
        head = gettext("Choose a campaign:")
        more = gettext("Or type its keyword.") if len(channels) > len(listed) else ""
        fixed = [notice, head, more]
        room = TEXT_MAX - sum(len(line) + 1 for line in fixed if line)
        width = max(room // len(listed) - 1, 4)
        lines = [
            f"{n} " + fit(channel.campaign.content(language).title, width - len(str(n)) - 1)
            for n, channel in enumerate(listed, 1)
        ]
        return screen(head, *lines, more, notice=notice)

    def read(answer: str) -> PhoneChannel | None:
        index = _choice(answer, len(listed))
        return listed[index] if index is not None else by_code.get(answer.upper())

    return _ask(answers, show, read)


def _name(answer: str) -> str | None:
    name = " ".join(answer.split())
    if not name or len(name) > services.PHONE_NAME_MAX or not any(c.isalpha() for c in name):
        return None
    return name


def _sign(
    session: Session, campaign: Campaign, *, name: str, country: str, listed: bool, language: str
) -> Reply:
    try:
        result = services.sign_by_phone(
            campaign,
            phone=session.phone,
            name=name,
            country=country,
            language=language,
            channel=Signature.Channel.USSD,
            show_publicly=listed,
        )
    except services.CampaignNotOpen:
        return _end(gettext("This campaign is no longer taking signatures."))
    except ValidationError:
        return _end(gettext("Sorry, this name cannot be signed. Please dial again."))
    if result.outcome == "already-signed":
        return _end(gettext("This number has already signed. Thank you!"))
    # Held as suspect (over the number's rate limit): thanked like anyone, as on the web.
    return _end(
        gettext("Thank you, %(name)s. Your signature is counted.") % {"name": fit(name, 60)}
    )
