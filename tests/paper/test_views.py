"""The public "signed on paper" list and its section of the signatory page."""

import pytest

from paper import services
from tests.paper.conftest import record

pytestmark = pytest.mark.django_db


def test_the_signatory_page_has_a_signed_on_paper_section(client, campaign):
    record(campaign, count=3, signers=[("Amina Yusuf", "KE"), ("Jo Ng", "UG")])
    page = client.get("/c/refuse/signatories/").content.decode()
    assert "Signed on paper" in page and "Amina Yusuf" in page
    # Filters apply to it; organisations only leave it out.
    assert "Jo Ng" not in client.get("/c/refuse/signatories/?q=amina").content.decode()
    by_country = client.get("/c/refuse/signatories/?country=UG").content.decode()
    assert "Jo Ng" in by_country and "Amina Yusuf" not in by_country
    assert "Signed on paper" not in client.get("/c/refuse/signatories/?type=union").content.decode()


def test_no_section_without_listed_names(client, campaign):
    record(campaign, count=3)
    assert "Signed on paper" not in client.get("/c/refuse/signatories/").content.decode()


def test_the_paper_list_pages_newest_first(client, campaign):
    names = [(f"Signer {i:03d}", "KE") for i in range(60)]
    record(campaign, count=60, signers=names)
    first = client.get("/c/refuse/signatories/paper/")
    text = first.content.decode()
    assert first.status_code == 200 and "Signer 059" in text and "Signer 009" not in text
    assert 'rel="next"' in text
    cursor = first.context["page"].next_cursor
    second = client.get(f"/c/refuse/signatories/paper/?before={cursor}").content.decode()
    assert "Signer 009" in second and "Signer 059" not in second


@pytest.mark.parametrize("query", ["?before=abc", "?country=XX", "?before=-1", "?q=" + "x" * 200])
def test_a_bad_query_is_a_400(client, campaign, query):
    assert client.get("/c/refuse/signatories/paper/" + query).status_code == 400


def test_voided_names_leave_the_lists(client, campaign):
    batch = record(campaign, count=3, signers=[("Amina Yusuf", "KE")])
    services.void_batch(batch, reason="Counted twice", by=None)
    assert "Amina Yusuf" not in client.get("/c/refuse/signatories/paper/").content.decode()
    assert "Amina Yusuf" not in client.get("/c/refuse/signatories/").content.decode()


def test_the_paper_list_of_an_unknown_campaign_is_a_404(client, db):
    assert client.get("/c/nope/signatories/paper/").status_code == 404


def test_the_paper_list_reads_in_a_fixed_number_of_queries(
    client, campaign, django_assert_max_num_queries
):
    record(campaign, count=30, signers=[(f"Signer {i}", "KE") for i in range(30)])
    # The campaign (3), its figures for the split (5), the names (1), the language's country
    # names: fixed, whatever the number of names.
    with django_assert_max_num_queries(10):
        client.get("/c/refuse/signatories/paper/")
