"""The country lists: one localised, sorted tuple per language, shared by every form."""

import copy
import re
import unicodedata
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_countries import countries

from pledges.forms import OrgSignOnForm, SignatoryFilterForm, SignForm, country_field
from pledges.widgets import country_choices
from tests.commitments.helpers import create_drive
from tests.pledges.conftest import signed_and_confirmed

ARABIC_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


@pytest.fixture(autouse=True)
def _language_restored():
    """A request to /ar/… leaves Arabic active in this thread: LocaleMiddleware never resets it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def base_letter(name: str) -> str:
    """The first letter without its marks: أ, إ and آ are alef, É is E."""
    decomposed = unicodedata.normalize("NFKD", name)
    return next(char for char in decomposed if not unicodedata.combining(char)).casefold()


def choices_in(language: str, form_class=SignForm):
    with translation.override(language):
        return form_class().fields["country"].choices


@pytest.mark.parametrize(
    ("language", "germany", "spain"),
    [("es", "Alemania", "España"), ("ar", "ألمانيا", "أسبانيا"), ("en", "Germany", "Spain")],
)
def test_names_are_in_the_active_language(language, germany, spain):
    names = dict(choices_in(language))
    assert names["DE"] == germany
    assert names["ES"] == spain
    assert names[""] == "---------"


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt", "ar"])
def test_countries_are_sorted_as_django_countries_sorts_them(language):
    choices = choices_in(language)
    assert choices[0] == ("", "---------")
    with translation.override(language):
        assert list(choices[1:]) == [(code, name) for code, name in countries]
    assert len(choices) == len(countries) + 1


def test_arabic_names_are_in_the_order_of_the_arabic_alphabet():
    """Not the English order: that is what django-countries falls back to without pyuca."""
    names = [name for code, name in choices_in("ar")[1:]]
    positions = [ARABIC_ALPHABET.index(base_letter(name)) for name in names]
    assert positions == sorted(positions)
    assert names[0] == "آروبا"  # Aruba: alef with madda comes first


def test_spanish_names_ignore_accents_when_sorted():
    names = [name for code, name in choices_in("es")[1:]]
    letters = [base_letter(name) for name in names]
    assert letters == sorted(letters)
    assert names.index("Anguila") < names.index("Antártida") < names.index("Antigua y Barbuda")


def test_forms_of_one_language_share_one_tuple_and_languages_do_not():
    with translation.override("es"):
        first, second = SignForm(), OrgSignOnForm()
        shared = first.fields["country"].choices
        assert second.fields["country"].choices is shared
        assert first.fields["country"].widget.choices is shared
        assert SignatoryFilterForm().fields["country"].choices is shared
        assert isinstance(shared, tuple)  # nobody can change it in place
    assert choices_in("es") is shared
    assert choices_in("ar") is not shared
    assert choices_in("ar") is country_choices("ar")


def test_copying_a_field_does_not_copy_its_choices():
    field = country_field()
    with translation.override("pt"):
        copied = copy.deepcopy(field)
        assert copied is not field and copied.widget is not field.widget
        assert copied.choices is field.choices is copied.widget.choices


def test_choices_cannot_be_replaced():
    field = country_field()
    with pytest.raises(AttributeError):
        field.choices = [("FR", "France")]
    with pytest.raises(AttributeError):
        field.widget.choices = [("FR", "France")]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_country_code_is_accepted(language):
    field = country_field()
    with translation.override(language):
        for code, _name in countries:
            assert field.clean(code) == code


@pytest.mark.parametrize("value", ["XX", "FRA", "fr", "250", " FR", "---------"])
def test_an_unknown_code_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        country_field().clean(value)
    assert refused.value.code == "invalid_choice"


def test_blank_is_required_or_empty_as_asked():
    with pytest.raises(ValidationError) as refused:
        country_field().clean("")
    assert refused.value.code == "required"
    assert country_field(required=False).clean("") == ""
    form = SignatoryFilterForm({"country": ""})
    assert form.is_valid() and form.cleaned_data["country"] == ""


def test_the_sign_form_takes_a_country_and_refuses_an_unknown_one():
    data = {"name": "Amina", "email": "amina@example.org", "language": "en"}
    assert SignForm({**data, "country": "KE"}).is_valid()
    form = SignForm({**data, "country": "ZZ"})
    assert not form.is_valid()
    assert list(form.errors) == ["country"]


@pytest.mark.django_db
def test_the_campaign_page_lists_countries_in_its_language(client, campaign):
    spanish = client.get("/es/c/refuse/").content.decode()
    assert '<option value="DE">Alemania</option>' in spanish
    arabic = client.get("/ar/c/refuse/").content.decode()
    assert '<option value="DE">ألمانيا</option>' in arabic


def page_countries(body: str, name: str = "country") -> list[tuple[str, str]]:
    """The options of the page's country <select> named `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no {name} select"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    return [(code, unescape(name)) for code, name in options]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/c/refuse/organisations/sign/",  # the organisation sign-on form
        "/c/refuse/signatories/",  # the signatory list's filter
        "/c/bds/commitments/pledge/",  # the commitment pledge form
        "/c/bds/tracker/",  # the tracker's filter
    ],
)
@pytest.mark.parametrize(
    ("language", "spain", "germany"), [("es", "España", "Alemania"), ("ar", "أسبانيا", "ألمانيا")]
)
def test_every_country_select_is_named_and_sorted_in_the_pages_language(
    client, campaign, path, language, spain, germany
):
    create_drive()
    options = page_countries(client.get(f"/{language}{path}").content.decode())
    assert options == list(country_choices(language))
    names = dict(options)
    assert (names["ES"], names["DE"]) == (spain, germany)
    if language == "es":  # Spanish collation: accents do not sort apart
        at = [name for _code, name in options].index
        assert at("Anguila") < at("Antártida") < at("Antigua y Barbuda")


@pytest.mark.django_db
def test_counts_by_country_are_named_and_ordered_in_each_pages_language(client, campaign):
    """The counts are cached for every language alike; the names are each page's own."""
    signed_and_confirmed(campaign, country="ES")
    signed_and_confirmed(campaign, email="hans@example.org", country="DE")
    arabic = client.get("/ar/c/refuse/signatories/").content.decode()
    spanish = client.get("/es/c/refuse/signatories/").content.decode()
    arabic_table = arabic.split('id="countries-heading"')[1]
    spanish_table = spanish.split('id="countries-heading"')[1]
    assert "<td>ألمانيا</td>" in arabic_table and "Alemania" not in arabic_table
    assert "<td>Alemania</td>" in spanish_table and "ألمانيا" not in spanish_table
    # A tie is ordered as the page's select orders the names: س before ل, A before E.
    assert arabic_table.index("أسبانيا") < arabic_table.index("ألمانيا")
    assert spanish_table.index("Alemania") < spanish_table.index("España")
