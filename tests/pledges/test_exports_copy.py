"""The signature CSV from PostgreSQL's COPY is byte for byte the Python path's CSV.

`exports.csv_stream(columns, rows)` streams signatures from `COPY (SELECT …) TO STDOUT` on
PostgreSQL; `rows.python()` is the ORM path that XLSX and SQLite use. Both run here on the
same rows, built through the real services, with values that test every rule the COPY's
SQL reproduces: the formula guard on every text cell, CSV quoting, booleans, datetimes
with and without microseconds, NULLs, dates in the current time zone, encrypted columns.
"""

import csv
import io
import time
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, connections
from django.utils import timezone

from pledges import exports, services
from pledges.models import Signature
from tests.conftest import create_campaign, verified_login
from tests.pledges.conftest import sign, signed_and_confirmed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the COPY export is PostgreSQL's (CI runs it); SQLite keeps the Python path",
    ),
]

EXPORT = "/staff/admin/pledges/signature/export/"
Status = Signature.Status

# Midnight in Kolkata (+05:30) is 18:30 UTC; in São Paulo (-03:00) it is 03:00 UTC.
AROUND_MIDNIGHT = [
    datetime(2026, 3, 1, 18, 29, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 1, 18, 30, tzinfo=UTC),
    datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 2, 2, 59, 59, 500000, tzinfo=UTC),
    datetime(2026, 3, 2, 3, 0, 0, 10, tzinfo=UTC),
]


def python_csv(filters: exports.ExportFilters, *, personal: bool) -> str:
    columns, rows = exports.signature_rows(filters, personal=personal)
    return "".join(exports.csv_stream(columns, rows.python()))


def copy_csv(filters: exports.ExportFilters, *, personal: bool, monkeypatch) -> str:
    """Through `csv_stream` as the view calls it, with the Python path made to fail."""
    with monkeypatch.context() as patched:
        patched.setattr(exports, "_signature_python_rows", _not_the_python_path)
        columns, rows = exports.signature_rows(filters, personal=personal)
        return "".join(exports.csv_stream(columns, rows))


def ids(text: str) -> list[int]:
    return [int(row[0]) for row in list(csv.reader(io.StringIO(text, newline="")))[1:]]


def _not_the_python_path(*args, **kwargs):
    raise AssertionError("the CSV export of signatures should come from COPY")


def with_address(n: int, **overrides) -> dict:
    # A domain each: no domain rate limit gets in the way.
    return {"email": f"signer{n}@domain{n}.example", **overrides}


@pytest.fixture
def campaigns(db):
    return [create_campaign("refuse"), create_campaign("second-front"), create_campaign("-dash")]


@pytest.fixture
def signatures(campaigns, settings):
    """Awkward rows in several campaigns and every status, listed and unlisted."""
    refuse, second, dash = campaigns
    made = []

    def confirmed(campaign, n, **values):
        made.append(signed_and_confirmed(campaign, **with_address(n, **values)))
        return made[-1]

    confirmed(refuse, 1, name='=HYPERLINK("http://x.example","click")', show_publicly=True)
    confirmed(refuse, 2, name="+1 555 0100", affiliation="-2+3", show_publicly=True)
    confirmed(refuse, 3, name="-minus", affiliation="@SUM(A1)", show_publicly=False)
    confirmed(refuse, 4, name="@handle", country="BR", language="pt", updates_consent=True)
    confirmed(second, 5, name="أمينة يوسف", affiliation='جمعية, "الأمل"', show_publicly=True)
    confirmed(second, 6, name="Zoë O'Brien, Jr.", country="FR", language="fr")
    confirmed(second, 7, name="李小龙 🌍", show_publicly=True, updates_consent=True)
    confirmed(dash, 8, name="Ana Díaz", affiliation='Red "Comunitaria"', show_publicly=True)
    made.append(sign(refuse, **with_address(9, name="=pending", show_publicly=True)).signature)
    made.append(sign(second, **with_address(10, name="Pending Person", country="BR")).signature)
    withdrawn = confirmed(refuse, 11, name="Withdrawn Person", show_publicly=True)
    services.withdraw_signature(withdrawn.pk)
    settings.PLEDGE_RATE_LIMITS = {"ip": (1, 3600)}
    made.append(sign(dash, ip="same-ip", **with_address(12, name="First From IP")).signature)
    suspect = sign(dash, ip="same-ip", **with_address(13, name="+suspect", show_publicly=True))
    assert suspect.outcome == "suspect"
    made.append(suspect.signature)

    # What only a script or older data holds: tabs and carriage returns opening a cell,
    # line breaks inside one, a guarded country and language, no email, no statement version.
    Signature.objects.filter(pk=made[0].pk).update(name="\tTabbed name")
    Signature.objects.filter(pk=made[1].pk).update(listed_name="\rCarriage")
    Signature.objects.filter(pk=made[7].pk).update(affiliation="line one\nline two\r\nline three")
    Signature.objects.filter(pk=made[2].pk).update(country="=1", language="-x", email="")
    Signature.objects.filter(pk=made[3].pk).update(statement_version=None, affiliation=" lead")
    # Around midnight, with and without microseconds.
    for signature, moment in zip(made[4:], AROUND_MIDNIGHT, strict=False):
        Signature.objects.filter(pk=signature.pk).update(created_at=moment)
    Signature.objects.filter(pk=made[4].pk).update(confirmed_at=AROUND_MIDNIGHT[3])
    return made


def test_the_fixture_holds_what_the_comparison_needs(signatures):
    statuses = set(Signature.objects.values_list("status", flat=True))
    assert statuses == {Status.CONFIRMED, Status.PENDING, Status.WITHDRAWN, Status.SUSPECT}
    plain = python_csv(exports.ExportFilters(), personal=False)
    assert """'=HYPERLINK(""http://x.example"",""click"")""" in plain
    assert "Tabbed" not in plain  # the name changed, the listed copy did not
    assert '"\'\rCarriage"' in plain
    assert '"line one\nline two\r\nline three"' in plain
    assert ",'=1,'@SUM(A1),'-x," in plain
    assert "'-2+3" in plain
    assert "'@handle" in plain
    assert "2026-03-02T00:00:00+00:00" in plain
    assert "2026-03-01T18:29:59.999999+00:00" in plain
    personal = python_csv(exports.ExportFilters(), personal=True)
    assert "'\tTabbed name" in personal
    assert "signer2@domain2.example" in personal
    assert "أمينة يوسف" in personal
    assert "'+suspect" in personal


FILTERS = {
    "none": lambda c: exports.ExportFilters(),
    "campaign": lambda c: exports.ExportFilters(campaign=c[1]),
    "dash campaign": lambda c: exports.ExportFilters(campaign=c[2]),
    "status confirmed": lambda c: exports.ExportFilters(status=Status.CONFIRMED),
    "status pending": lambda c: exports.ExportFilters(status=Status.PENDING),
    "status withdrawn": lambda c: exports.ExportFilters(status=Status.WITHDRAWN),
    "status suspect": lambda c: exports.ExportFilters(status=Status.SUSPECT),
    "country": lambda c: exports.ExportFilters(country="BR"),
    "guarded country": lambda c: exports.ExportFilters(country="=1"),
    "since": lambda c: exports.ExportFilters(since=date(2026, 3, 2)),
    "until": lambda c: exports.ExportFilters(until=date(2026, 3, 1)),
    "since and until": lambda c: exports.ExportFilters(
        since=date(2026, 3, 1), until=date(2026, 3, 1)
    ),
    "everything": lambda c: exports.ExportFilters(
        campaign=c[1], status=Status.CONFIRMED, country="FR", since=date(2000, 1, 1)
    ),
    "nothing matches": lambda c: exports.ExportFilters(until=date(2000, 1, 1)),
}


@pytest.mark.parametrize("personal", [False, True], ids=["plain", "personal"])
@pytest.mark.parametrize("which", FILTERS)
def test_copy_csv_equals_the_python_path(signatures, campaigns, which, personal, monkeypatch):
    filters = FILTERS[which](campaigns)
    expected = python_csv(filters, personal=personal)
    assert copy_csv(filters, personal=personal, monkeypatch=monkeypatch) == expected
    if which == "none":
        assert expected.count("\r\n") > len(signatures)  # header, rows, one line break inside


ZONES = {
    # Which of the rows created around midnight (`AROUND_MIDNIGHT`) fall on 1 March.
    "UTC": [0, 1, 2],
    "Asia/Kolkata": [0],
    "America/Sao_Paulo": [0, 1, 2, 3, 4],
}


@pytest.mark.parametrize("personal", [False, True], ids=["plain", "personal"])
def test_dates_are_compared_in_the_current_time_zone(signatures, personal, monkeypatch):
    around_midnight = [signature.pk for signature in signatures[4:10]]
    for zone, on_first in ZONES.items():
        with timezone.override(zone):
            for day in (date(2026, 3, 1), date(2026, 3, 2)):
                for filters in (
                    exports.ExportFilters(since=day),
                    exports.ExportFilters(until=day),
                    exports.ExportFilters(since=day, until=day),
                ):
                    expected = python_csv(filters, personal=personal)
                    assert copy_csv(filters, personal=personal, monkeypatch=monkeypatch) == (
                        expected
                    ), (zone, filters)
            until_first = python_csv(
                exports.ExportFilters(until=date(2026, 3, 1)), personal=personal
            )
        assert ids(until_first) == [around_midnight[n] for n in on_first], zone


def test_datetimes_read_other_than_in_utc_keep_the_python_path(signatures, settings, monkeypatch):
    columns, rows = exports.signature_rows(exports.ExportFilters(), personal=False)
    assert rows.copy_csv() is not None
    with monkeypatch.context() as patched:  # as with DATABASES["default"]["TIME_ZONE"]
        patched.setitem(connections["default"].__dict__, "timezone_name", "Asia/Kolkata")
        assert rows.copy_csv() is None
    settings.USE_TZ = False  # the ORM's datetimes are naive: not what the SQL writes
    assert rows.copy_csv() is None
    text = "".join(exports.csv_stream(columns, rows))
    assert len(ids(text)) == len(signatures)
    assert "+00:00" not in text


def test_an_undecryptable_token_reads_as_blank_on_both_paths(signatures, monkeypatch, caplog):
    Signature.objects.filter(pk=signatures[5].pk).update(email="")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pledges_signature SET name = %s WHERE id = %s",
            ["gAAAAABnot-a-token-any-key-opens", signatures[5].pk],
        )
    expected = python_csv(exports.ExportFilters(), personal=True)
    assert copy_csv(exports.ExportFilters(), personal=True, monkeypatch=monkeypatch) == expected
    assert f"\r\n{signatures[5].pk},second-front,confirmed,,," in expected
    assert caplog.text.count("no FIELD_ENCRYPTION_KEYS key opens") == 2  # once a path


def test_pieces_are_chunks_of_rows(signatures, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    for personal in (False, True):
        columns, rows = exports.signature_rows(exports.ExportFilters(), personal=personal)
        pieces = list(exports.csv_stream(columns, rows))
        assert len(pieces) == 1 + -(-len(signatures) // 4)  # the header, then 4 rows a piece
        assert "".join(pieces) == python_csv(exports.ExportFilters(), personal=personal)


def copies_of(signature: Signature, count: int) -> None:
    """`count` more rows like `signature` (other addresses), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pledges_signature (campaign_id, statement_version_id, status, name,"
            " email, listed_name, email_hash, alias_duplicate, country, affiliation, language,"
            " show_publicly, updates_consent, ip_hash, created_at, confirmed_at,"
            " reminders_sent, shared_with_partner)"
            " SELECT campaign_id, statement_version_id, status, name, email, listed_name,"
            " md5(n::text), alias_duplicate, country, affiliation, language, show_publicly,"
            " updates_consent, ip_hash, created_at, confirmed_at, reminders_sent,"
            " shared_with_partner FROM pledges_signature, generate_series(1, %s) AS n"
            " WHERE id = %s",
            [count, signature.pk],
        )


@pytest.mark.parametrize("personal", [False, True], ids=["plain", "personal"])
def test_closing_the_stream_early_leaves_the_transaction_usable(signatures, personal, monkeypatch):
    # Enough rows that the COPY is still sending when the stream is closed: cancelling it
    # then would abort the test's transaction, so inside one the rest is read instead.
    copies_of(signatures[6], 30_000)
    columns, rows = exports.signature_rows(exports.ExportFilters(), personal=personal)
    stream = exports.csv_stream(columns, rows)
    next(stream), next(stream)
    stream.close()
    assert Signature.objects.count() == len(signatures) + 30_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_the_stream_early_cancels_the_copy(campaigns):
    copies_of(signed_and_confirmed(campaigns[0], **with_address(1)), 100_000)
    columns, rows = exports.signature_rows(exports.ExportFilters(), personal=False)
    stream = exports.csv_stream(columns, rows)
    next(stream), next(stream)
    began = time.perf_counter()
    stream.close()
    assert time.perf_counter() - began < 0.5  # cancelled, not read to the end
    assert Signature.objects.count() == 100_001


def test_xlsx_keeps_the_python_path(signatures):
    columns, rows = exports.signature_rows(exports.ExportFilters(), personal=False)
    assert exports.xlsx_file(columns, rows).read(2) == b"PK"


@pytest.mark.parametrize("personal", [False, True], ids=["plain", "personal"])
def test_the_staff_download_is_the_python_paths_csv(
    client, comms, signatures, campaigns, personal, monkeypatch
):
    if personal:
        comms.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    verified_login(client, comms)
    for query, filters in [
        ({}, exports.ExportFilters()),
        ({"campaign": campaigns[0].pk}, exports.ExportFilters(campaign=campaigns[0])),
        ({"status": "pending"}, exports.ExportFilters(status=Status.PENDING)),
        ({"country": "BR"}, exports.ExportFilters(country="BR")),
        ({"since": "2026-03-02"}, exports.ExportFilters(since=date(2026, 3, 2))),
        ({"until": "2026-03-01"}, exports.ExportFilters(until=date(2026, 3, 1))),
    ]:
        with monkeypatch.context() as patched:
            patched.setattr(exports, "_signature_python_rows", _not_the_python_path)
            response = client.get(EXPORT, {"what": "signatures", "format": "csv", **query})
            assert response.status_code == 200
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            downloaded = b"".join(response.streaming_content).decode()
        assert downloaded == python_csv(filters, personal=personal), query
        assert ("@domain" in downloaded) == (personal and bool(ids(downloaded))), query
