"""POST /ussd/<secret>/: Africa's Talking's USSD sessions, answered CON/END in text/plain.

Real-shaped posts (sessionId, serviceCode, phoneNumber, networkCode, text), the journey to a
counted signature and the public progress figure, every screen at most 182 characters in
every language, and the guard: wrong secret 404, another sender 403, malformed posts the
provider's error form, never a 500.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from campaigns import services as campaign_services
from pledges import phone
from pledges.models import Signature
from tests.conftest import create_campaign
from tests.pledges.phone_payloads import (
    AMINA,
    KOFI,
    SECRET,
    USSD_PATH,
    inbound_sms,
    phone_channel,
    ussd,
)

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "es", "fr", "pt", "ar"]


@pytest.fixture(autouse=True)
def _phone_settings(settings):
    settings.USSD_CALLBACK_SECRET = SECRET
    settings.USSD_ALLOWED_IPS = []
    settings.AFRICASTALKING_API_KEY = ""  # no SMS leaves these tests


@pytest.fixture
def refuse(campaign):
    """The "refuse" campaign (in English and Spanish) taking signatures over USSD."""
    phone_channel(campaign, "REFUSE", en="We refuse to build tools of oppression.")
    return campaign


def body(response) -> str:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert len(text) <= 182, (len(text), text)
    return text


def test_the_journey_ends_in_a_counted_signature_and_the_public_figure_moves(client, refuse):
    first = body(ussd(client, ""))
    assert first.startswith("CON ")
    assert "1 English" in first and "2 Español" in first  # the campaign's two languages
    summary = body(ussd(client, "1"))
    assert summary.startswith("CON Campaign refuse: We refuse to build tools of oppression.")
    assert "1 Sign" in summary and "2 Leave" in summary
    assert body(ussd(client, "1*1")).startswith("CON Enter your name")
    assert "public list" in body(ussd(client, "1*1*Amina"))
    confirm = body(ussd(client, "1*1*Amina*1"))
    assert "Sign as Amina, name listed publicly?" in confirm and "1 Confirm" in confirm
    done = body(ussd(client, "1*1*Amina*1*1"))
    assert done == "END Thank you, Amina. Your signature is counted."

    signature = Signature.objects.get()
    assert (signature.channel, signature.status) == ("ussd", Signature.Status.CONFIRMED)
    assert signature.listed_name == "Amina" and signature.language == "en"
    assert signature.country == "KE"  # +254: the network's country

    call_command("count_figures", "--once")
    progress = client.get(f"/api/v1/campaigns/{refuse.slug}/progress/").json()
    assert progress["total_signatures"] == 1
    signatories = client.get(f"/api/v1/campaigns/{refuse.slug}/signatories/").json()
    assert "Amina" in str(signatories)
    assert "711000111" not in str(signatories)


def test_the_session_in_spanish_uses_the_campaigns_spanish_texts(client, refuse):
    summary = body(ussd(client, "2"))
    assert summary.startswith("CON Rechazamos: Resumen")
    body(ussd(client, "2*1*Ana*2*1"))
    signature = Signature.objects.get()
    assert signature.language == "es" and signature.listed_name == ""


def test_a_number_that_signed_is_told_so_before_typing_again(client, refuse):
    body(ussd(client, "1*1*Amina*1*1"))
    again = body(ussd(client, "1", session="ATUid_second"))
    assert again.startswith("END This number has already signed")
    assert Signature.objects.count() == 1


def test_the_same_number_by_ussd_then_sms_is_one_signature(client, refuse):
    body(ussd(client, "1*1*Amina*2*1"))
    assert inbound_sms(client, "SIGN REFUSE Amina").status_code == 200
    assert Signature.objects.count() == 1
    assert Signature.objects.get().channel == "ussd"
    body(ussd(client, "1*1*Kofi*2*1", phone=KOFI))
    assert Signature.objects.count() == 2


def test_leaving_or_cancelling_signs_nothing(client, refuse):
    assert body(ussd(client, "1*2")).startswith("END Nothing was signed")
    assert body(ussd(client, "1*1*Amina*1*2")).startswith("END Nothing was signed")
    assert not Signature.objects.exists()


def test_an_answer_off_the_menu_asks_again(client, refuse):
    again = body(ussd(client, "9"))
    assert again.startswith("CON That is not one of the choices.")
    assert "1 English" in again
    assert body(ussd(client, "9*1")).startswith("CON Campaign refuse")
    blank_name = body(ussd(client, "1*1*"))
    assert blank_name.startswith("CON Please type your name.")
    body(ussd(client, "1*1**Amina*1*7*1"))
    assert Signature.objects.get().listed_name == "Amina"


def test_many_campaigns_by_number_or_keyword(client):
    campaigns = [create_campaign(f"c{n}") for n in range(7)]
    for n, campaign in enumerate(campaigns):
        phone_channel(campaign, f"KW{n}")
    menu = body(ussd(client, ""))  # one language: no language menu
    assert menu.startswith("CON Choose a campaign:")
    assert "1 Campaign c0" in menu and "5 Campaign c4" in menu and "Campaign c5" not in menu
    assert "Or type its keyword." in menu
    assert body(ussd(client, "kw6")).startswith("CON Campaign c6")
    body(ussd(client, "2*1*Amina*2*1"))
    assert Signature.objects.get().campaign == campaigns[1]


def test_campaigns_without_ussd_or_closed_are_not_offered(client, refuse):
    other = create_campaign("sms-only")
    phone_channel(other, "SMSONLY", ussd=False)
    assert "SMSONLY" not in body(ussd(client, "1"))
    campaign_services.close(refuse, by=None)
    assert body(ussd(client, "")) == "END No campaign takes signatures by phone right now."


def test_a_campaign_closing_mid_session_says_so(client, refuse):
    body(ussd(client, "1*1*Amina*1"))
    campaign_services.close(refuse, by=None)
    assert body(ussd(client, "1*1*Amina*1*1")).startswith("END No campaign")
    assert not Signature.objects.exists()


def test_a_number_of_an_unknown_country_needs_the_channels_country(client, refuse):
    assert "cannot take signatures" in body(ussd(client, "1", phone="+12025550123"))
    refuse.phone_channel.default_country = "US"
    refuse.phone_channel.save()
    body(ussd(client, "1*1*Jo*2*1", phone="+12025550123"))
    assert Signature.objects.get().country == "US"


LONG = {
    "en": ("A very long campaign title that goes on and on about refusing " * 3, "Word " * 80),
    "es": ("Un título de campaña larguísimo que sigue y sigue sobre negarse " * 3, "Palabra " * 60),
    "fr": ("Un titre de campagne très long qui n'en finit pas sur le refus " * 3, "Mot " * 90),
    "pt": ("Um título de campanha muito longo que continua sobre recusar " * 3, "Palavra " * 60),
    "ar": ("عنوان حملة طويل جدا يستمر ويستمر عن رفض بناء أدوات القمع " * 3, "كلمة " * 90),
}


def _screens(client, language_answer: str, name: str, phone: str):
    """Every screen of a session in one language: each step, a refused answer at each step,
    and both ways out."""
    lead = f"{language_answer}*" if language_answer else ""
    name_path = f"{lead}1*1*{name}"
    texts = [
        "", "9", f"{lead}".rstrip("*"), f"{lead}9", f"{lead}kw9", f"{lead}1", f"{lead}1*9",
        f"{lead}1*1", f"{lead}1*1*", name_path, f"{name_path}*9", f"{name_path}*1",
        f"{name_path}*2", f"{name_path}*1*9", f"{lead}1*2", f"{name_path}*1*2",
        f"{name_path}*1*1",
    ]  # fmt: skip
    return [body(ussd(client, text, phone=phone)) for text in texts]


@pytest.mark.parametrize("default_language", LANGUAGES)
def test_every_screen_fits_182_characters_in_every_language(client, default_language):
    translations = {
        language: {"title": LONG[language][0][:200], "summary": LONG[language][1][:500]}
        for language in LANGUAGES
        if language != default_language
    }
    title, summary = LONG[default_language]
    campaigns = [
        create_campaign(
            f"long-{n}",
            title=title[:200],
            summary=summary[:500],
            default_language=default_language,
            translations=translations,
        )
        for n in range(7)
    ]
    for n, campaign in enumerate(campaigns):
        # A phone summary at its longest in one language; the others fall back.
        phone_channel(campaign, f"KW{n}", **{default_language: "ش" * 120})
    menu = body(ussd(client, ""))
    assert menu.count("\n") == len(LANGUAGES)  # the question, then one line per language
    longest_name = "Nomvula-Thandiwe " * 3 + "Okonkwo-Adeyemi"
    for n, language in enumerate(LANGUAGES, 1):
        number = f"+25471100{n:04d}"
        screens = _screens(client, str(n), longest_name[:60], number)
        assert screens[-1].startswith("END ")
        assert all(len(screen) <= 182 for screen in screens)
        signed = Signature.objects.get(phone_hash=phone.phone_hash(number))
        assert signed.language == language
    assert Signature.objects.count() == len(LANGUAGES)


def test_wrong_secret_is_404_and_phone_signing_off_is_404(client, refuse, settings):
    response = client.post("/ussd/not-the-secret-000000000/", {"sessionId": "x"})
    assert response.status_code == 404
    settings.USSD_CALLBACK_SECRET = ""
    assert ussd(client, "").status_code == 404


def test_a_sender_outside_the_allow_list_is_403(client, refuse, settings):
    settings.USSD_ALLOWED_IPS = ["196.201.214.0/24"]
    refused = ussd(client, "", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 403
    assert ussd(client, "", REMOTE_ADDR="196.201.214.200").status_code == 200


def test_only_post(client, refuse):
    assert client.get(USSD_PATH).status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"sessionId": "ATUid_1", "serviceCode": "*384*123#", "text": ""},
        {"sessionId": "ATUid_1", "phoneNumber": AMINA, "text": ""},
        {"serviceCode": "*384*123#", "phoneNumber": AMINA, "text": ""},
        {"sessionId": "ATUid_1", "serviceCode": "*384*123#", "phoneNumber": AMINA},
        {"sessionId": "x" * 101, "serviceCode": "*384*123#", "phoneNumber": AMINA, "text": ""},
    ],
)
def test_a_post_that_is_not_a_session_gets_the_error_form(client, refuse, data):
    response = client.post(USSD_PATH, data)
    assert response.status_code == 400
    assert response.content.decode().startswith("END ")


@pytest.mark.parametrize("number", ["0711000111", "+254 not a number", "+" + "9" * 20, ""])
def test_a_number_that_cannot_be_read(client, refuse, number):
    response = ussd(client, "", phone=number)
    assert response.status_code in (200, 400)
    assert response.content.decode().startswith("END ")
    assert not Signature.objects.exists()


def test_an_oversized_session_is_ended(client, refuse):
    assert body(ussd(client, "1*" * 30)).startswith("END This session is too long")
    assert body(ussd(client, "1*1*" + "A" * 700)).startswith("END This session is too long")
    huge = client.post(USSD_PATH, {"text": "x" * 10_000})
    assert huge.status_code == 413


def test_a_name_too_long_or_with_no_letters_is_asked_again(client, refuse):
    assert body(ussd(client, "1*1*" + "A" * 61)).startswith("CON Please type your name.")
    assert body(ussd(client, "1*1*12345")).startswith("CON Please type your name.")


def test_garbage_never_answers_500(refuse):
    client = Client(raise_request_exception=False)
    for payload, content_type in [
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"--x\r\nnot multipart", "multipart/form-data; boundary=x"),
        (b'{"sessionId": 1}', "application/json"),
        (b"text=%ff%fe&sessionId=%00&serviceCode=*&phoneNumber=%2B254711000111",
         "application/x-www-form-urlencoded"),
    ]:  # fmt: skip
        response = client.post(USSD_PATH, payload, content_type=content_type)
        assert response.status_code < 500, (payload, response.status_code)


def test_no_cookie_no_cache_no_csrf(refuse):
    client = Client(enforce_csrf_checks=True)
    response = ussd(client, "")
    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
