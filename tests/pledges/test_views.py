import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from lib.mailboxes import email_hash
from pledges import tokens
from pledges.models import Signature
from tests.conftest import create_campaign, run_tasks, take_signatures
from tests.pledges.conftest import last_email_to, link_to, sign, signed_and_confirmed

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Amina Yusuf",
    "email": "amina@example.org",
    "country": "KE",
    "affiliation": "",
    "language": "en",
    "show_publicly": "on",
}


def post_sign(client, slug="refuse", *, meta=None, **overrides):
    """POST the sign form, then let the intake job take it, as it does within a second."""
    response = client.post(f"/c/{slug}/sign/", {**FORM, **overrides}, **(meta or {}))
    take_signatures()
    return response


def test_campaign_page_has_the_sign_form_with_unticked_consents(client, campaign):
    body = client.get("/c/refuse/").content.decode()
    assert 'action="/c/refuse/sign/"' in body
    assert 'name="show_publicly"' in body
    assert 'name="updates_consent"' in body
    assert "checked" not in body
    assert "csrfmiddlewaretoken" not in body  # no per-visitor token: lib/public_forms.py
    assert "/c/refuse/organisations/sign/" in body
    assert "/c/refuse/signatories/" in body
    assert body.count("<h1") == 1


def test_sign_form_language_defaults_to_the_page_language(client, campaign):
    body = client.get("/fr/c/refuse/").content.decode()
    assert '<input type="hidden" name="language" id="id_language" value="fr">' in body


def test_signing_redirects_to_check_your_email_and_sends_a_link(client, campaign):
    response = post_sign(client)
    assert response.status_code == 302
    assert response["Location"] == "/c/refuse/sign/check-your-email/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert "/confirm/" in last_email_to("amina@example.org").body


def test_repeat_signing_looks_the_same_to_the_page(client, campaign):
    first = post_sign(client)
    second = post_sign(client, email="AMINA@example.org ")
    signed_and_confirmed(campaign, email="other@example.org")
    third = post_sign(client, email="other@example.org")
    assert first["Location"] == second["Location"] == third["Location"]
    assert Signature.objects.count() == 2


def test_confirm_link_get_confirms_nothing_post_confirms_and_again_says_already(client, campaign):
    post_sign(client)
    path = link_to(last_email_to("amina@example.org"), "/confirm/")
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my signature" in page.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200
    assert "your signature is confirmed" in done.content.decode()
    assert Signature.objects.get().status == Signature.Status.CONFIRMED

    again = client.post(path)
    assert "Already confirmed" in again.content.decode()
    assert "Already confirmed" in client.get(path).content.decode()


def test_expired_confirm_link_explains_and_offers_a_new_link(client, campaign):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post_sign(client)
        path = link_to(last_email_to("amina@example.org"), "/confirm/")
    with time_machine.travel(start + timedelta(days=15), tick=False):
        response = client.post(path)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This link has expired" in body
    assert 'href="/c/refuse/sign/"' in body
    assert Signature.objects.get().status == Signature.Status.PENDING


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "x" * 300,
        "%00",
        tokens.make_token("withdraw", 1),  # a token for another purpose
        tokens.make_token("confirm", "not-an-id"),
    ],
    # Signed tokens carry a timestamp: stable ids keep parallel workers' collections equal.
    ids=["garbage", "long", "nul", "other-purpose", "not-an-id"],
)
def test_tampered_confirm_links_get_a_clear_page_not_an_error(client, campaign, token):
    sign(campaign)
    response = client.post(f"/c/refuse/confirm/{token}/")
    assert response.status_code in (400, 404)
    assert "This link does not work" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_tampering_with_a_real_token_is_caught(client, campaign):
    signature = sign(campaign).signature
    token = tokens.make_token("confirm", signature.pk)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.post(f"/c/refuse/confirm/{tampered}/").status_code == 400


def test_confirm_token_for_another_campaign_does_not_work(client, campaign):
    create_campaign("other")
    signature = sign(campaign).signature
    token = tokens.make_token("confirm", signature.pk)
    assert client.post(f"/c/other/confirm/{token}/").status_code == 404


def test_withdraw_link_from_the_email_withdraws_on_post(client, campaign):
    signed_and_confirmed(campaign)
    sign(campaign)  # "already signed" email, with the withdraw link
    path = link_to(last_email_to("amina@example.org"), "/withdraw/")
    assert client.get(path).status_code == 200
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    response = client.post(path)
    assert "withdrawn" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b@c"}, "email"),
        ({"name": ""}, "name"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"language": "klingon"}, "language"),
        ({"name": "n" * 500}, "name"),
        ({"affiliation": "a" * 500}, "affiliation"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
    ],
)
def test_bad_input_is_a_form_error_not_a_500(client, campaign, overrides, field):
    response = post_sign(client, **overrides)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Signature.objects.exists()


def test_missing_everything_is_a_form_error(client, campaign):
    assert client.post("/c/refuse/sign/", {}).status_code == 400


def test_honeypot_filled_stores_nothing_but_looks_the_same(client, campaign):
    response = post_sign(client, hp_contact="http://spam.example")
    assert response.status_code == 302
    assert not Signature.objects.exists()
    run_tasks()
    assert mail.outbox == []


def test_a_cross_site_sign_post_is_refused(campaign):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    cross_site = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"}
    assert post_sign(client, meta=cross_site).status_code == 403
    assert not Signature.objects.exists()


def test_signing_a_closed_campaign_is_a_form_error(client, campaign):
    from campaigns import services as campaign_services

    campaign_services.close(campaign, by=None)
    response = post_sign(client)
    assert response.status_code == 400
    assert "not taking signatures" in response.content.decode()
    assert 'action="/c/refuse/sign/"' not in client.get("/c/refuse/").content.decode()


def test_draft_campaign_sign_page_is_404(client, db):
    create_campaign("draft", live=False)
    assert post_sign(client, slug="draft").status_code == 404


def test_sign_uses_remote_addr_not_forwarded_for(client, campaign, rate_limits):
    for n in range(3):
        post_sign(client, email=f"p{n}@x{n}.example", meta={"REMOTE_ADDR": "10.0.0.1"})
    # A spoofed X-Forwarded-For does not escape the per-IP limit.
    client.post(
        "/c/refuse/sign/",
        {**FORM, "email": "p9@x.example"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.9",
    )
    take_signatures()
    assert (
        Signature.objects.get(email_hash=email_hash("p9@x.example")).status
        == Signature.Status.SUSPECT
    )
    assert "10.0.0.1" not in Signature.objects.get(email_hash=email_hash("p9@x.example")).ip_hash


def test_trusted_proxy_count_reads_forwarded_for(client, campaign, rate_limits, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(4):
        client.post(
            "/c/refuse/sign/",
            {**FORM, "email": f"p{n}@z{n}.example"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert not Signature.objects.filter(status=Signature.Status.SUSPECT).exists()


def test_over_limit_sender_still_sees_check_your_email(client, campaign, rate_limits):
    responses = [
        post_sign(client, email=f"p{n}@x{n}.example", meta={"REMOTE_ADDR": "10.0.0.2"})
        for n in range(5)
    ]
    assert {r.status_code for r in responses} == {302}
    assert Signature.objects.filter(status=Signature.Status.SUSPECT).count() == 2


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_any_field_is_shown_as_text(client, campaign, moderator):
    from tests.pledges.conftest import approved_org

    signed_and_confirmed(campaign, name=XSS, affiliation=XSS)
    approved_org(campaign, moderator=moderator, name=XSS)
    body = client.get("/c/refuse/signatories/").content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    form_page = post_sign(client, name=XSS, email="bad").content.decode()
    assert "<script>alert" not in form_page


def test_unicode_names_are_shown_intact(client, campaign):
    names = ["أمينة يوسف", "अमीना यूसुफ़", "王小明", "Amina 🌍✊"]
    for n, name in enumerate(names):
        post_sign(client, name=name, email=f"u{n}@example.org")
        path = link_to(last_email_to(f"u{n}@example.org"), "/confirm/")
        client.post(path)
    body = client.get("/c/refuse/signatories/").content.decode()
    for name in names:
        assert name in body


def test_signatories_respects_consent_and_shows_no_email(client, campaign, settings):
    settings.PUBLIC_MIN_COUNT = 1  # every count shown: the small-count rule is tested apart
    signed_and_confirmed(campaign, name="Listed Person", email="listed@example.org")
    signed_and_confirmed(
        campaign, name="Private Person", email="private@example.org", show_publicly=False
    )
    sign(campaign, name="Pending Person", email="pending@example.org")
    body = client.get("/c/refuse/signatories/").content.decode()
    assert "Listed Person" in body
    assert "Private Person" not in body
    assert "Pending Person" not in body
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", body)
    # Both confirmed signers count in the country table.
    assert "<td>Kenya</td><td>2</td>" in body


def test_affiliation_is_never_presented_as_the_organisation_signing(client, campaign):
    signed_and_confirmed(campaign, affiliation="Big Union")
    body = client.get("/c/refuse/signatories/").content.decode()
    assert "affiliation: <bdi>Big Union</bdi>" in body
    orgs_section = body.split('id="orgs-heading"')[1].split('id="people-heading"')[0]
    assert "Big Union" not in orgs_section


def test_signatories_search_filter_and_keyset_pages(client, campaign):
    for n in range(55):
        signed_and_confirmed(
            campaign, name=f"Person {n:02d}", email=f"p{n}@example.org", country="BR"
        )
    signed_and_confirmed(campaign, name="Zed Other", email="z@example.org", country="FR")
    first = client.get("/c/refuse/signatories/", {"type": "individual"}).content.decode()
    assert "Zed Other" in first and "Person 00" not in first
    next_link = re.search(r'href="(\?[^"]*before=\d+[^"]*)" rel="next"', first).group(1)
    second = client.get("/c/refuse/signatories/" + next_link.replace("&amp;", "&"))
    assert "Person 00" in second.content.decode()
    assert "Zed Other" not in second.content.decode()
    by_country = client.get("/c/refuse/signatories/", {"country": "FR"}).content.decode()
    assert "Zed Other" in by_country and "Person 01" not in by_country
    searched = client.get("/c/refuse/signatories/", {"q": "person 3"}).content.decode()
    assert "Person 31" in searched and "Person 41" not in searched


@pytest.mark.parametrize(
    "query",
    [
        {"country": "ZZ"},
        {"type": "robots"},
        {"before": "abc"},
        {"before": "-5"},
        {"org_before": "1e9"},
        {"q": "x" * 500},
    ],
)
def test_signatories_rejects_garbage_query_with_400(client, campaign, query):
    assert client.get("/c/refuse/signatories/", query).status_code == 400


def test_signatories_list_query_count_is_fixed(client, campaign, django_assert_max_num_queries):
    for n in range(20):
        signed_and_confirmed(campaign, email=f"p{n}@example.org")
    # The country counts read the tally and its changes not yet counted (2 queries); the
    # "Signed on paper" section one more (paper/).
    with django_assert_max_num_queries(10):
        assert client.get("/c/refuse/signatories/").status_code == 200


def test_versions_page_and_campaign_page_note(client, campaign):
    from campaigns.models import Campaign

    signed_and_confirmed(campaign)
    assert "Statement last changed" not in client.get("/c/refuse/").content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(statement="We refuse, amended.")
    campaign.refresh_from_db()
    signed_and_confirmed(campaign, email="b@example.org")
    page = client.get("/c/refuse/").content.decode()
    assert "Statement last changed on" in page
    assert 'href="/c/refuse/versions/"' in page
    versions = client.get("/c/refuse/versions/").content.decode()
    assert "Version 2" in versions and "Version 1" in versions
    assert "We refuse, amended." in versions and "We **refuse**." in versions
    assert "1 confirmed signature made on this version" in versions


def test_campaign_page_shows_a_daily_chart_as_inline_svg(client, campaign):
    signed_and_confirmed(campaign)
    body = client.get("/c/refuse/").content.decode()
    assert '<svg class="chart"' in body
    assert "<rect" in body
    # One same-origin script, only adding copy and share buttons: no inline script.
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/js/share.js" defer>']
    assert len(body.encode()) < 60_000


def test_my_data_request_show_and_erase(client, campaign, django_capture_on_commit_callbacks):
    signed_and_confirmed(campaign)
    response = client.post("/my-data/", {"email": "Amina@example.org", "language": "en"})
    assert response.status_code == 302
    unknown = client.post("/my-data/", {"email": "nobody@example.org", "language": "en"})
    assert unknown["Location"] == response["Location"]
    message = last_email_to("amina@example.org")
    show = client.get(link_to(message, "/my-data/"))
    assert "Amina Yusuf" in show.content.decode()
    assert show["Cache-Control"] == "no-store"
    erase_path = link_to(message, "/erase/")
    assert client.get(erase_path).status_code == 200
    assert Signature.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(erase_path)
    assert not Signature.objects.exists()
    assert "0" in client.get("/c/refuse/").content.decode()


def test_my_data_link_expires_after_a_day(client, campaign):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signed_and_confirmed(campaign)
        client.post("/my-data/", {"email": "amina@example.org", "language": "en"})
        path = link_to(last_email_to("amina@example.org"), "/erase/")
    with time_machine.travel(start + timedelta(days=2), tick=False):
        response = client.post(path)
    assert response.status_code == 400
    assert Signature.objects.exists()


def test_link_to_an_erased_signature_says_so(client, campaign):
    from pledges import services

    signature = signed_and_confirmed(campaign)
    path = f"/c/refuse/withdraw/{tokens.make_token('withdraw', signature.pk)}/"
    services.erase_personal_data("amina@example.org")
    response = client.post(path)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_data_requests_are_rate_limited(client, campaign, rate_limits):
    signed_and_confirmed(campaign)
    for _ in range(5):
        client.post("/my-data/", {"email": "amina@example.org", "language": "en"})
    run_tasks()
    assert len([m for m in mail.outbox if "Your data" in m.subject]) == 2


def test_personal_data_links_do_not_carry_the_address(client, campaign):
    import base64
    import zlib

    signed_and_confirmed(campaign)
    client.post("/my-data/", {"email": "amina@example.org", "language": "en"})
    path = link_to(last_email_to("amina@example.org"), "/erase/")
    token = path.split("/")[2]
    payload = token.split(":")[0].lstrip(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    decoded = zlib.decompress(raw) if token.startswith(".") else raw
    assert b"amina" not in decoded
    assert "amina" not in path


def test_second_erasure_link_use_says_the_link_no_longer_works(client, campaign):
    signed_and_confirmed(campaign)
    client.post("/my-data/", {"email": "amina@example.org", "language": "en"})
    path = link_to(last_email_to("amina@example.org"), "/erase/")
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 404


def test_campaign_page_query_count_does_not_grow_with_signatures(
    client, campaign, django_assert_max_num_queries
):
    for n in range(10):
        signed_and_confirmed(campaign, email=f"p{n}@example.org")
    # The campaign (3), its figures (5: the tally, its changes, pending, paper, organisations),
    # the statement's versions, the chart's days, recent signers, the logo wall: fixed, and
    # rendered once per PUBLIC_PAGE_SECONDS whatever the traffic (campaigns/pages.py).
    with django_assert_max_num_queries(13):
        assert client.get("/c/refuse/").status_code == 200


@pytest.mark.parametrize(
    "name", ["Amina\nBcc: everyone@example.org", "Amina\r\nYusuf", "Amina\u2028Yusuf", "A\x00"]
)
def test_line_breaks_and_control_characters_in_a_name_are_a_form_error(client, campaign, name):
    response = post_sign(client, name=name)
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_a_body_that_is_not_utf8_is_refused_not_stored_garbled(client, campaign):
    body = "name=Lucia%20G%F3mez&email=lucia%40example.org&country=AR&language=es"
    response = client.post(
        "/c/refuse/sign/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "arrived garbled" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize("language", ["", "/es", "/fr", "/pt", "/ar"])
def test_privacy_page_states_the_retention_rule_in_every_language(client, settings, language):
    settings.EMAIL_RETENTION_DAYS = 11
    response = client.get(f"{language}/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "11" in body
    assert 'href="' + (language or "") + '/my-data/"' in body
    home = client.get(f"{language}/").content.decode()
    assert f'href="{language}/privacy/"' in home
