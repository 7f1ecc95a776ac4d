"""The language of a page an emailed link opens: the address's, else the recipient's."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from lib.languages import recipient_language


@pytest.mark.parametrize(
    ("path", "recipient", "spoken"),
    [
        ("/c/refuse/confirm/t/", "es", "es"),  # no language in the address: the recipient's
        ("/unsubscribe/t/", "ar", "ar"),
        ("/fr/c/refuse/confirm/t/", "es", "fr"),  # the address names one: it wins
        ("/c/refuse/confirm/t/", "xx", "en"),  # a language we do not speak: the default
        ("/c/refuse/confirm/t/", "", "en"),
    ],
)
def test_the_address_then_the_recipient_decides(path, recipient, spoken):
    request = RequestFactory().get(path)
    translation.activate("fr" if path.startswith("/fr/") else "en")  # as LocaleMiddleware does
    with recipient_language(request, recipient):
        assert translation.get_language() == spoken
