"""Pages reached from an emailed link speak the language the email spoke: the signer's.

The links carry the language (`/es/c/…/confirm/…`); a link opened without it (cut on its
way, retyped, shared) still speaks the signer's language, and a language in the address is
followed. A link that does not check out shows nobody's language.
"""

import pytest

from pledges import services, tokens
from tests.pledges.conftest import approved_org, last_email_to, link_to, org_data, sign

pytestmark = pytest.mark.django_db

LUCIA = "lucia@example.org"


def unprefixed(path: str) -> str:
    return path.removeprefix("/es")


@pytest.fixture
def spanish_signature(campaign):
    return sign(campaign, name="Lucía Fernández", email=LUCIA, country="AR", language="es")


def test_a_spanish_signers_confirm_link_renders_the_spanish_title(client, spanish_signature):
    link = link_to(last_email_to(LUCIA), "/confirm/")
    assert link.startswith("/es/c/refuse/confirm/")  # the email's link names its language
    response = client.get(link)
    body = response.content.decode()
    assert '<html lang="es" dir="ltr">' in body
    assert "<title>Confirma tu firma</title>" in body
    assert "Rechazamos" in body and "Campaign refuse" not in body  # the campaign's own title
    assert response["Content-Language"] == "es"


def test_the_link_without_its_prefix_still_speaks_the_signers_language(client, spanish_signature):
    link = unprefixed(link_to(last_email_to(LUCIA), "/confirm/"))
    response = client.get(link)
    body = response.content.decode()
    assert '<html lang="es" dir="ltr">' in body
    assert "<title>Confirma tu firma</title>" in body and "Rechazamos" in body
    assert 'href="/es/c/refuse/"' in body  # "back to the campaign" in Spanish too
    assert response["Content-Language"] == "es"
    # The button posts back to the same address: the confirmation page is Spanish too.
    confirmed = client.post(link).content.decode()
    assert '<html lang="es"' in confirmed and "Rechazamos" in confirmed


def test_a_language_in_the_address_is_followed(client, spanish_signature):
    link = unprefixed(link_to(last_email_to(LUCIA), "/confirm/"))
    body = client.get("/ar" + link).content.decode()
    assert '<html lang="ar" dir="rtl">' in body


@pytest.mark.parametrize(
    ("purpose", "path", "spanish"),
    [
        ("withdraw", "/c/refuse/withdraw/{}/", "<title>Retirar tu firma</title>"),
        ("unsubscribe", "/unsubscribe/{}/", "<title>Dejar de recibir novedades</title>"),
    ],
)
def test_every_signature_link_speaks_the_signers_language(
    client, spanish_signature, purpose, path, spanish
):
    services.confirm_signature(spanish_signature.signature.pk)
    response = client.get(path.format(tokens.make_token(purpose, spanish_signature.signature.pk)))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es"' in body and spanish in body and "Rechazamos" in body


def test_a_link_that_does_not_check_out_shows_nobodys_language(client, spanish_signature):
    token = tokens.make_token("confirm", spanish_signature.signature.pk)
    response = client.get(f"/c/refuse/confirm/{token[:-2]}xx/")
    assert response.status_code == 400
    assert '<html lang="en"' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_the_organisation_contacts_confirm_link_speaks_their_language(client, campaign):
    services.sign_on(campaign, org_data(contact_language="es"))
    link = link_to(last_email_to("luz@redcomunitaria.example"), "/confirm-contact/")
    assert link.startswith("/es/confirm-contact/")
    body = client.get(unprefixed(link)).content.decode()
    assert '<html lang="es"' in body
    assert "<title>Confirma la adhesión de tu organización</title>" in body
    assert "Rechazamos" in body


def test_personal_data_links_speak_the_language_they_were_asked_in(client, campaign, moderator):
    approved_org(campaign, moderator=moderator)  # Luz's sign-on: her contact language is es
    client.post("/es/my-data/", {"email": "luz@redcomunitaria.example", "language": "es"})
    link = link_to(last_email_to("luz@redcomunitaria.example"), "/my-data/")
    assert link.startswith("/es/my-data/")
    for path in (unprefixed(link), unprefixed(link) + "erase/"):
        response = client.get(path)
        body = response.content.decode()
        assert '<html lang="es"' in body, path
        assert response["Content-Language"] == "es"
    shown = client.get(unprefixed(link)).content.decode()
    assert "<title>Tus datos</title>" in shown
    assert '<bdi lang="es">Rechazamos</bdi>' in shown  # each campaign under its Spanish title


def test_personal_data_links_from_before_still_open(client, campaign):
    signature = sign(campaign, email=LUCIA, language="es").signature
    old = tokens.make_token("my-data", f"pledges.signature:{signature.pk}")
    response = client.get(f"/my-data/{old}/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()  # that link named no language


def test_an_arabic_signers_email_and_pages_read_right_to_left(client, campaign):
    """The campaign has no Arabic title: the English one keeps its language and direction."""
    sign(campaign, name="Karim Haddad", email="karim@example.org", country="LB", language="ar")
    message = last_email_to("karim@example.org")
    html, _type = message.alternatives[0]
    assert html.startswith('<!doctype html>\n<html lang="ar" dir="rtl">')
    assert "<bdi>Campaign refuse</bdi>" in html and "<bdi>Karim Haddad</bdi>" in html
    body = client.get(unprefixed(link_to(message, "/confirm/"))).content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert '<bdi lang="en">Campaign refuse</bdi>' in body


def test_names_and_fallback_titles_on_the_signatory_list_keep_their_direction(client, campaign):
    services.confirm_signature(sign(campaign, affiliation="Big Union").signature.pk)
    body = client.get("/ar/c/refuse/signatories/").content.decode()
    assert 'lang="en" dir="auto">Campaign refuse</a>' in body
    assert "<strong><bdi>Amina Yusuf</bdi></strong>" in body and "<bdi>Big Union</bdi>" in body
    spanish = client.get("/es/c/refuse/signatories/").content.decode()
    assert 'lang="es" dir="auto">Rechazamos</a>' in spanish
