"""Hostile input shared by the quality tests: hypothesis strategies and classic payloads."""

from hypothesis import strategies as st

# Any Unicode text but lone surrogates (which cannot be encoded to UTF-8 at all).
ANY_CHAR = st.characters(exclude_categories=("Cs",))

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
SQL = ["' OR 1=1--", "'; DROP TABLE pledges_signature;--"]
CRLF_EMAIL = "a@b.org\r\nBcc: x@y.org"
CRLF_NAME = "Mallory\r\nBcc: x@y.org\r\nSubject: pwned"
PAYLOADS = [*XSS, *SQL, CRLF_EMAIL, CRLF_NAME, "\x00", "../../etc/passwd", "%00", "\u202e"]

hostile_text = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    # Very long strings, cheaply: a short piece repeated.
    st.text(ANY_CHAR, min_size=1, max_size=3).map(lambda piece: piece * 4000),
    # Control characters, NUL included.
    st.text(st.characters(categories=("Cc",)), min_size=1, max_size=20),
    st.sampled_from(PAYLOADS),
)

# Names people really have: letters, marks, digits, punctuation, symbols and spaces. Not
# U+FFFD, the replacement character: it marks text garbled on the way, and forms refuse it.
unicode_name = (
    st.text(
        st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\ufffd"),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)


def maybe_hostile(valid: str) -> st.SearchStrategy[str]:
    """A field's valid value or something hostile."""
    return st.one_of(st.just(valid), hostile_text)


def hostile_form(valid: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """A form's valid values, any of them replaced by hostile text."""
    return st.fixed_dictionaries({name: maybe_hostile(value) for name, value in valid.items()})


# Valid values for each form; the tests replace fields with hostile ones.
SIGN = {
    "name": "Ana Martínez",
    "email": "ana@example.org",
    "country": "ES",
    "affiliation": "",
    "language": "es",
    "show_publicly": "on",
    "updates_consent": "",
    "hp_contact": "",
}
ORGANISATION = {
    "name": "Red Comunitaria",
    "kind": "ngo",
    "country": "MX",
    "website": "https://red.example/",
    "contact_name": "Luz Pérez",
    "contact_email": "luz@red.example",
    "contact_language": "es",
    "hp_contact": "",
}
COMMITMENT = {
    "commitments-0-target": "alphabet",
    "commitments-0-kind": "divestment",
    "commitments-0-other_kind": "",
    "commitments-0-action": "Sell the shares",
    "commitments-0-amount": "1000",
    "commitments-0-currency": "EUR",
    "commitments-0-deadline": "",
}
FORMSET = {
    "commitments-TOTAL_FORMS": "1",
    "commitments-INITIAL_FORMS": "0",
    "commitments-MIN_NUM_FORMS": "1",
    "commitments-MAX_NUM_FORMS": "10",
}
DONATE = {
    "amount": "custom",
    "custom_amount": "12.50",
    "currency": "EUR",
    "frequency": "once",
    "donor_name": "Dana",
    "email": "",
    "public_listing": "on",
    "message": "",
}
OFFLINE_GIFT = {
    "method": "bank_transfer",
    "amount": "120.50",
    "currency": "EUR",
    "received_on": "2026-11-03",
    "offline_reference": "SEPA-1",
    "donor_name": "Bank Giver",
    "email": "",
    "language": "en",
}
