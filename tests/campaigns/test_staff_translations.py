"""Translations on the campaign's staff page: each text beside the default language's, typed
in its own direction, with a completeness mark; fields the campaign's kind does not use are
hidden. Translators edit only their languages' texts, and a translation goes public once
Communications or a second translator approves it (public page, API and embed fall back)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from campaigns import services
from campaigns.models import Campaign, CampaignTranslation, Target, TranslatorLanguage
from staff.models import AuditEvent
from staff.roles import TRANSLATORS
from tests.campaigns.staff_pages import (
    ADMIN,
    add_translation,
    change_url,
    page_data,
    save,
    translation_prefix,
)
from tests.conftest import create_campaign, make_user, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, comms):
    return verified_login(client, comms)


@pytest.fixture
def campaign(db):
    return create_campaign(
        "refuse",
        title="We refuse",
        summary="A letter",
        statement="We **refuse**.",
        call_to_action="Sign",
        translations={
            "es": {"title": "Rechazamos", "summary": "Una carta", "statement": "Nos negamos.",
                   "call_to_action": "Firma"},
            "ar": {"title": "نرفض", "summary": "رسالة", "statement": "نحن نرفض.",
                   "call_to_action": "وقّع"},
            "fr": {"title": "Nous refusons", "summary": "Une lettre"},
        },
    )  # fmt: skip


def es(campaign) -> CampaignTranslation:
    return CampaignTranslation.objects.get(campaign=campaign, language="es")


# Side by side, in the right direction, with a completeness mark.


def test_each_translated_text_sits_beside_the_default_text(staff, campaign):
    body = staff.get(change_url(campaign)).content.decode()
    # Three translations, and the empty form "Add another" copies.
    assert body.count('<span class="translation-reference-label">Title in English</span>') == 4
    assert '<div class="translation-reference-text" lang="en" dir="auto">We refuse</div>' in body
    assert '<div class="translation-reference-text" lang="en" dir="auto">We **refuse**.</div>' in (
        body
    )


def test_right_to_left_translations_are_typed_right_to_left(staff, campaign):
    body = staff.get(change_url(campaign)).content.decode()
    data = page_data(staff, campaign)
    arabic, spanish = translation_prefix(data, "ar"), translation_prefix(data, "es")
    assert f'name="{arabic}-title"' in body
    assert _tag(body, f'name="{arabic}-title"').count('dir="rtl"') == 1
    assert 'lang="ar"' in _tag(body, f'name="{arabic}-statement"')
    assert 'dir="ltr"' in _tag(body, f'name="{spanish}-title"')
    # The new-translation form follows its language choice in the browser.
    assert 'data-rtl-languages="ar"' in body
    assert "js/staff-translations.js" in body


def _tag(body: str, marker: str) -> str:
    at = body.index(marker)
    return body[body.rindex("<", 0, at) : body.index(">", at) + 1]


def test_completeness_marks_name_what_is_missing(staff, campaign):
    body = staff.get(change_url(campaign)).content.decode()
    assert body.count('translation-mark translation-complete">complete</span>') == 2
    assert "missing: statement and call to action" in body


def test_a_text_the_default_language_lacks_is_not_missing():
    campaign = create_campaign(
        "short",
        summary="",
        call_to_action="",
        translations={"es": {"title": "T", "statement": "S"}},
    )
    assert es(campaign).missing_fields() == []


# Fields the kind does not use are hidden.


def _fields(staff, campaign) -> str:
    return staff.get(change_url(campaign)).content.decode()


def test_a_statement_hides_targets_and_folds_fundraising_away(staff, campaign):
    body = _fields(staff, campaign)
    assert 'name="signature_goal"' in body and 'name="organisation_goal"' in body
    assert 'name="targets"' not in body
    assert re.search(r"<details><summary>\s*<h2[^>]*>Fundraising</h2>", body)


def test_a_statement_with_a_fundraising_goal_shows_it_open(staff):
    campaign = create_campaign(
        "with-goal", fundraising_goal_minor=5_000_000, fundraising_currency="EUR"
    )
    body = _fields(staff, campaign)
    assert 'name="fundraising_goal"' in body
    assert 'class="module aligned collapse"' not in body


def test_a_bds_drive_shows_targets_not_the_signature_goal(staff):
    drive = create_campaign("drive", kind=Campaign.Kind.BDS)
    body = _fields(staff, drive)
    assert 'name="targets"' in body and 'name="organisation_goal"' in body
    assert 'name="signature_goal"' not in body


def test_a_fundraiser_shows_its_goal_and_nothing_of_signatures_or_targets(staff):
    fund = create_campaign("fund", kind=Campaign.Kind.FUNDRAISER)
    body = _fields(staff, fund)
    assert 'name="fundraising_goal"' in body and 'name="fundraising_currency"' in body
    for hidden in ("signature_goal", "organisation_goal", "targets"):
        assert f'name="{hidden}"' not in body, hidden
    goals = body[body.index(">Goals<") :][:1500]
    assert 'name="fundraising_goal"' in goals


def test_the_add_page_shows_every_goal(staff):
    body = staff.get(f"{ADMIN}campaigns/campaign/add/").content.decode()
    for name in ("signature_goal", "organisation_goal", "targets", "fundraising_goal"):
        assert f'name="{name}"' in body, name


def test_hidden_fields_keep_their_values_when_the_page_is_saved(staff, campaign):
    target = Target.objects.create(name="Alphabet", slug="alphabet")
    campaign.targets.add(target)
    response = save(staff, campaign, {"title": "We still refuse"})
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign.refresh_from_db()
    assert campaign.title == "We still refuse"
    assert list(campaign.targets.all()) == [target]


# Approval: Communications' edits are public at once; translators' wait.


def test_an_edit_by_communications_is_approved_at_once(staff, comms, campaign):
    data = page_data(staff, campaign)
    prefix = translation_prefix(data, "es")
    save(staff, campaign, {f"{prefix}-title": "Rechazamos todo"}, data=data)
    row = es(campaign)
    assert row.title == "Rechazamos todo"
    assert (row.is_approved, row.approved_by, row.edited_by) == (True, comms, comms)
    assert "<h1>Rechazamos todo</h1>" in Client().get("/es/c/refuse/").content.decode()
    assert AuditEvent.objects.filter(action="campaign.translation_edit").exists()


def test_a_new_translation_by_communications_is_public(staff, campaign):
    data = add_translation(page_data(staff, campaign), "pt", title="Recusamos")
    response = save(staff, campaign, data=data)
    assert response.status_code == 302
    assert CampaignTranslation.objects.get(campaign=campaign, language="pt").is_approved


@pytest.fixture
def translated(translator, campaign):
    """The translator has changed the Spanish title (in a browser of their own): it awaits
    approval."""
    browser = verified_login(Client(), translator)
    data = page_data(browser, campaign)
    response = save(
        browser, campaign, {f"{translation_prefix(data, 'es')}-title": "Nos negamos"}, data=data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return es(campaign)


def test_a_translators_edit_waits_for_approval(translated, translator):
    assert translated.title == "Nos negamos"
    assert not translated.is_approved
    assert translated.edited_by == translator


def test_an_unapproved_translation_falls_back_on_the_page_the_api_and_the_embed(
    translated, campaign
):
    public = Client()
    page = public.get("/es/c/refuse/").content.decode()
    assert "<h1>We refuse</h1>" in page and "Nos negamos" not in page
    api = public.get("/api/v1/campaigns/refuse/?lang=es").json()
    assert api["title"] == "We refuse"
    assert api["language"] == "en"
    assert "es" not in api["available_languages"]
    assert "es" not in [t["language"] for t in api["translations"]]
    assert "ar" in [t["language"] for t in api["translations"]]
    listing = public.get("/api/v1/campaigns/?lang=es").json()["results"][0]
    assert listing["title"] == "We refuse"
    embed = public.get("/embed/refuse/?lang=es").content.decode()
    assert "We refuse" in embed and "Nos negamos" not in embed
    # Other languages are untouched.
    assert "<h1>نرفض</h1>" in public.get("/ar/c/refuse/").content.decode()


def test_communications_approves_with_the_tick_box(staff, comms, translated, campaign):
    data = page_data(staff, campaign)
    prefix = translation_prefix(data, "es")
    assert f"{prefix}-approve" in staff.get(change_url(campaign)).content.decode()
    save(staff, campaign, {f"{prefix}-approve": "on"}, data=data)
    row = es(campaign)
    assert (row.is_approved, row.approved_by, row.title) == (True, comms, "Nos negamos")
    assert "<h1>Nos negamos</h1>" in Client().get("/es/c/refuse/").content.decode()
    assert AuditEvent.objects.filter(action="campaign.translation_approve").exists()


def test_a_second_translator_approves_but_not_the_author(
    client, django_user_model, translator, translated, campaign
):
    verified_login(client, translator)
    body = client.get(change_url(campaign)).content.decode()
    assert "-approve" not in body  # no approving one's own words
    with pytest.raises(PermissionDenied):
        services.approve_translation(translated, by=translator)
    client.logout()

    second = make_user(django_user_model, "second", TRANSLATORS)
    TranslatorLanguage.objects.create(user=second, language="es")
    verified_login(client, second)
    data = page_data(client, campaign)
    save(client, campaign, {f"{translation_prefix(data, 'es')}-approve": "on"}, data=data)
    row = es(campaign)
    assert (row.is_approved, row.approved_by) == (True, second)


def test_a_translator_of_another_language_cannot_approve(django_user_model, translated):
    french = make_user(django_user_model, "french", TRANSLATORS)
    TranslatorLanguage.objects.create(user=french, language="fr")
    with pytest.raises(PermissionDenied):
        services.approve_translation(translated, by=french)


def test_a_translators_edit_after_approval_takes_it_off_the_public_again(
    client, comms, translator, translated, campaign
):
    services.approve_translation(translated, by=comms)
    verified_login(client, translator)
    data = page_data(client, campaign)
    save(client, campaign, {f"{translation_prefix(data, 'es')}-summary": "Otra carta"}, data=data)
    row = es(campaign)
    assert (row.summary, row.is_approved) == ("Otra carta", False)


def test_the_staff_page_says_who_edited_and_that_it_is_not_public(staff, translated, campaign):
    body = staff.get(change_url(campaign)).content.decode()
    assert "awaiting approval" in body
    assert "Last edited by translator on" in body


# Translators: their languages' texts, nothing else.


@pytest.fixture
def translating(client, translator):
    return verified_login(client, translator)


def test_a_translator_sees_only_their_languages_and_no_campaign_fields(translating, campaign):
    body = translating.get(change_url(campaign)).content.decode()
    assert "Rechazamos" in body
    assert "Nous refusons" not in body and "نرفض" not in body
    for name in ("title", "slug", "statement", "signature_goal", "hero_upload", "fundraising_goal"):
        assert f'name="{name}"' not in body, name
    assert "/lifecycle/" not in body
    # Only Spanish to choose from; no deleting.
    data = page_data(translating, campaign)
    assert set(data) >= {"translations-0-title"}
    assert "translations-0-DELETE" not in data


def test_a_translator_cannot_change_the_campaign_itself(translating, campaign):
    data = page_data(translating, campaign)
    response = save(
        translating, campaign, {"title": "Hijacked", "statement": "Nothing", "slug": "x"}, data=data
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.slug, campaign.statement) == (
        "We refuse",
        "refuse",
        "We **refuse**.",
    )


def test_a_translator_cannot_reach_another_languages_translation(translating, campaign):
    french = CampaignTranslation.objects.get(campaign=campaign, language="fr")
    data = page_data(translating, campaign)
    prefix = translation_prefix(data, "es")
    # A hand-made post naming the French row instead of the Spanish one.
    response = save(
        translating,
        campaign,
        {f"{prefix}-id": str(french.pk), f"{prefix}-language": "fr", f"{prefix}-title": "Pirate"},
        data=data,
    )
    assert response.status_code == 200  # the form comes back with its errors
    french.refresh_from_db()
    assert french.title == "Nous refusons"
    # Nor add one in a language not theirs.
    response = save(translating, campaign, data=add_translation(data, "pt", title="Recusamos"))
    assert response.status_code == 200
    assert not CampaignTranslation.objects.filter(campaign=campaign, language="pt").exists()


def test_a_translator_adds_a_translation_in_their_language(client, translator):
    campaign = create_campaign("untranslated")
    verified_login(client, translator)
    data = add_translation(page_data(client, campaign), "es", title="Sin traducir")
    response = save(client, campaign, data=data)
    assert response.status_code == 302, response.content.decode()[:3000]
    row = es(campaign)
    assert (row.title, row.is_approved, row.edited_by) == ("Sin traducir", False, translator)


def test_a_translator_without_languages_can_only_look(client, django_user_model, campaign):
    nobody = make_user(django_user_model, "nobody", TRANSLATORS)
    verified_login(client, nobody)
    assert client.get(change_url(campaign)).status_code == 200
    response = save(client, campaign, data={"title": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        f"{ADMIN}campaigns/campaign/add/",
        f"{ADMIN}campaigns/translatorlanguage/",
        f"{ADMIN}campaigns/target/add/",
        f"{ADMIN}pledges/signature/",
        f"{ADMIN}auth/user/",
    ],
)
def test_a_translator_gets_nothing_else(translating, url):
    assert translating.get(url).status_code == 403


def test_a_translator_cannot_delete_a_campaign(translating, campaign):
    url = f"{ADMIN}campaigns/campaign/{campaign.pk}/delete/"
    assert translating.get(url).status_code == 403
    assert translating.post(url, {"post": "yes"}).status_code == 403
    assert Campaign.objects.filter(pk=campaign.pk).exists()


# Communications assigns translators their languages.


def test_communications_assigns_a_translator_a_language(staff, django_user_model):
    person = make_user(django_user_model, "luz", TRANSLATORS)
    make_user(django_user_model, "not-a-translator", "Moderators")
    add = f"{ADMIN}campaigns/translatorlanguage/add/"
    body = staff.get(add).content.decode()
    assert ">luz<" in body and "not-a-translator" not in body
    response = staff.post(add, {"user": person.pk, "language": "ar"})
    assert response.status_code == 302
    assert TranslatorLanguage.objects.filter(user=person, language="ar").exists()


@pytest.mark.parametrize("persona", ["moderator", "finance"])
def test_staff_who_only_look_get_no_translation_to_edit(persona_client, campaign, persona):
    response = persona_client(persona).get(change_url(campaign))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="translations-0-title"' not in body
    assert "-approve" not in body
