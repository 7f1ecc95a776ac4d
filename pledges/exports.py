"""Staff exports of signatures and organisational sign-ons, streamed in chunks.

Personal data (emails, contact people, names of unlisted signers) only goes to staff
with `pledges.export_personal_data`. A signature made by phone shows its channel ("ussd",
"sms"), never a number: none is stored. Cells that a spreadsheet would run as a formula
are prefixed with a quote.

The CSV of signatures on PostgreSQL is written by the database (`COPY (SELECT …) TO
STDOUT`, formula guard included) and only passed through, or for the personal export
decrypted on the way; XLSX and SQLite read rows through the ORM. Both give the same bytes.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connections
from django.db.models import F, Func, QuerySet, TextField, Value
from openpyxl import Workbook

from campaigns.models import Campaign
from lib.spreadsheets import FORMULA_STARTS, neutralise
from pledges.models import OrgPledge, Signature, StatementVersion

CHUNK = 2000

Rows = Callable[..., tuple[list[str], Iterable]]
_sources: dict[str, tuple[str, Rows]] = {}


def register_source(key: str, label: str, rows: Rows) -> None:
    """`rows(filters, *, personal)` → (columns, rows) for the staff export page."""
    _sources[key] = (label, rows)


def source_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _rows) in _sources.items()]


def source_rows(key: str) -> Rows:
    return _sources[key][1]


@dataclass(frozen=True)
class ExportFilters:
    campaign: Campaign | None = None
    status: str = ""
    country: str = ""
    since: date | None = None
    until: date | None = None


def filtered(
    queryset: QuerySet,
    filters: ExportFilters,
    *,
    country_field: str,
    campaign_field: str = "campaign",
    status_field: str = "status",
) -> QuerySet:
    if filters.campaign:
        queryset = queryset.filter(**{campaign_field: filters.campaign})
    if filters.status:
        queryset = queryset.filter(**{status_field: filters.status})
    if filters.country:
        queryset = queryset.filter(**{country_field: filters.country})
    if filters.since:
        queryset = queryset.filter(created_at__date__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(created_at__date__lte=filters.until)
    return queryset.order_by("pk")


SIGNATURE_COLUMNS = [
    "id", "campaign", "status", "name", "email", "country", "affiliation", "language",
    "show_publicly", "updates_consent", "statement_version", "created_at", "confirmed_at",
    "channel",
]  # fmt: skip


def signature_rows(filters: ExportFilters, *, personal: bool) -> tuple[list[str], "SignatureRows"]:
    return list(SIGNATURE_COLUMNS), SignatureRows(filters, personal=personal)


class SignatureRows:
    """The rows of a signature export, read when iterated.

    Iterating reads them through the ORM (the Python path: XLSX, and CSV on SQLite).
    `csv_stream` asks `copy_csv()` first: on PostgreSQL the CSV then comes from the
    database's own COPY, byte for byte what the Python path writes
    (tests/pledges/test_exports_copy.py)."""

    def __init__(self, filters: ExportFilters, *, personal: bool):
        self.filters = filters
        self.personal = personal

    def __iter__(self) -> Iterator[list]:
        return self.python()

    def python(self) -> Iterator[list]:
        """The rows through the ORM, as lists of Python values (before `neutralise`)."""
        return _signature_python_rows(self.filters, personal=self.personal)

    def copy_csv(self) -> Iterator[str] | None:
        """The CSV after the header from PostgreSQL's COPY; None where it cannot be used."""
        if not copy_available():
            return None
        return copy_signature_csv(self.filters, personal=self.personal)


def _signature_python_rows(filters: ExportFilters, *, personal: bool) -> Iterator[list]:
    # Without the personal-data permission the name is the public list's copy, and nothing
    # encrypted is read: that export never decrypts, so it keeps the speed of a plain read.
    # With it, names and emails are decrypted row by row as the rows stream out.
    name, email = ("name", "email") if personal else ("listed_name", "pk")
    fields = [
        "pk", "campaign_id", "status", name, email, "country", "affiliation", "language",
        "show_publicly", "updates_consent", "statement_version_id", "created_at",
        "confirmed_at", "channel",
    ]  # fmt: skip
    queryset = filtered(Signature.objects.all(), filters, country_field="country")
    # Slugs and version numbers from two small maps, not a join per row: through a cursor
    # PostgreSQL joined row by row, and the export took 13 times its own COPY (bench/).
    slugs = dict(Campaign.objects.values_list("pk", "slug"))
    numbers = dict(StatementVersion.objects.values_list("pk", "number"))
    for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
        row = list(row)
        row[1] = slugs.get(row[1])
        row[10] = numbers.get(row[10])
        if not personal:
            row[4] = ""  # email
        yield row


# Signatures from PostgreSQL's COPY ------------------------------------------------------------
#
# The SELECT is the Python path's queryset (`filtered`: the same filters, dates compared in
# the current time zone exactly as `created_at__date` compiles), each cell written in SQL
# as the Python path writes it: `neutralise` as a CASE on every text column, booleans as
# True/False, datetimes as `datetime.isoformat()`, and "" as NULL (COPY quotes an empty
# string to tell it from NULL; Python's csv writes both as nothing). Slugs and version
# numbers are joined (PostgreSQL memoizes the two small look-ups and keeps the id order).
# One statement, so one snapshot: every row as of the moment the export began.


# `ascii()` is the first character's code point (0 for ""): an integer test per cell, half
# the cost of comparing `left(cell, 1)` with each character as text (bench/).
_FORMULA_CODES = ", ".join(str(ord(char)) for char in FORMULA_STARTS)


class _Neutralised(Func):
    """`neutralise` of a text column, "" as NULL."""

    template = (
        f"CASE WHEN ascii(%(expressions)s) IN ({_FORMULA_CODES}) THEN chr(39) || %(expressions)s "
        "WHEN %(expressions)s = '' THEN NULL ELSE %(expressions)s END"
    )
    output_field = TextField()


class _Boolean(Func):
    """A boolean as Python's csv writes one."""

    template = "CASE WHEN %(expressions)s THEN 'True' WHEN NOT %(expressions)s THEN 'False' END"
    output_field = TextField()


class _IsoFormat(Func):
    """`datetime.isoformat()` of a datetime as the ORM reads it (in UTC: `copy_available`):
    microseconds only when there are some, then the offset, and no time zone look-up."""

    template = (
        "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), '.000000', '')"
    )
    output_field = TextField()


def copy_available() -> bool:
    """PostgreSQL, with the ORM reading datetimes in UTC (USE_TZ, no DATABASES TIME_ZONE):
    what the COPY's SQL writes datetimes as."""
    connection = connections[Signature.objects.db]
    return (
        connection.vendor == "postgresql" and settings.USE_TZ and connection.timezone_name == "UTC"
    )


def _copy_statement(filters: ExportFilters, *, personal: bool, using: str) -> str:
    if personal:
        # Tokens as stored: decrypted, then neutralised, in Python row by row.
        name, email = F("name"), F("email")
    else:
        name, email = _Neutralised("listed_name"), Value(None, output_field=TextField())
    cells = [
        F("pk"), _Neutralised("campaign__slug"), _Neutralised("status"), name, email,
        _Neutralised("country"), _Neutralised("affiliation"), _Neutralised("language"),
        _Boolean("show_publicly"), _Boolean("updates_consent"),
        F("statement_version__number"), _IsoFormat("created_at"), _IsoFormat("confirmed_at"),
        _Neutralised("channel"),
    ]  # fmt: skip
    aliases = [f"export_{n}" for n in range(len(cells))]
    queryset = filtered(Signature.objects.using(using), filters, country_field="country")
    queryset = queryset.annotate(**dict(zip(aliases, cells, strict=True))).values_list(*aliases)
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER false)"
    return connections[using].ops.compose_sql(statement, params)


def copy_signature_csv(filters: ExportFilters, *, personal: bool) -> Iterator[str]:
    """The export's rows (no header) as CSV text from `COPY (SELECT …) TO STDOUT`, one piece
    per CHUNK rows, so memory stays flat whatever the number of rows. PostgreSQL only.

    On Django's own connection, so inside a transaction it sees that transaction's rows;
    nothing else may use the connection until the stream is read or closed (psycopg holds
    it for the COPY). Closing the stream early (a download cut off) cancels the COPY;
    inside a transaction, where a cancelled statement would abort the transaction, the
    rest of the COPY is read and dropped instead."""
    using = Signature.objects.db
    connection = connections[using]
    connection.ensure_connection()
    statement = _copy_statement(filters, personal=personal, using=using)
    in_transaction = not connection.get_autocommit()
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        try:
            yield from (_decrypted_pieces if personal else _crlf_pieces)(copy)
        except GeneratorExit:
            while in_transaction and copy.read():
                pass
            raise


def _crlf_pieces(copy) -> Iterator[str]:
    # COPY sends each row as one message ending in "\n"; Python's csv ends rows with "\r\n"
    # and leaves a line break inside a quoted cell as it is, and so does this.
    piece = []
    for row in copy:
        piece.append(row[:-1])
        if len(piece) >= CHUNK:
            piece.append(b"")
            yield b"\r\n".join(piece).decode()
            piece = []
    if piece:
        piece.append(b"")
        yield b"\r\n".join(piece).decode()


def _decrypted_pieces(copy) -> Iterator[str]:
    # Names and emails are tokens, which the SQL guard cannot see into: opened by the model
    # fields' own conversion (an undecryptable token reads as "", as on the Python path),
    # then neutralised; the other cells pass through csv's reader and writer unchanged.
    opened = [Signature._meta.get_field(name) for name in ("name", "email")]
    connection = connections[Signature.objects.db]
    for messages in _chunks(copy, CHUNK):
        rows = []
        for row in csv.reader(io.StringIO(b"".join(messages).decode(), newline="")):
            for index, field in zip((3, 4), opened, strict=True):
                row[index] = neutralise(field.from_db_value(row[index], None, connection))
            rows.append(row)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        yield buffer.getvalue()


def org_pledge_rows(filters: ExportFilters, *, personal: bool) -> tuple[list[str], Iterator]:
    columns = [
        "id", "campaign", "status", "organisation", "type", "country", "website",
        "contact_name", "contact_email", "created_at", "contact_confirmed_at", "moderated_at",
        "rejection_reason",
    ]  # fmt: skip
    fields = [
        "pk", "campaign__slug", "status", "organisation__name", "organisation__kind",
        "organisation__country", "organisation__website",
        *(("contact_name", "contact_email") if personal else ("pk", "pk")),
        "created_at", "contact_confirmed_at", "moderated_at", "rejection_reason",
    ]  # fmt: skip
    queryset = filtered(OrgPledge.objects.all(), filters, country_field="organisation__country")

    def rows():
        for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
            row = list(row)
            if not personal:
                row[7] = row[8] = ""
            yield row

    return columns, rows()


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def csv_stream(columns: list[str], rows: Iterable) -> Iterator[str]:
    """CSV text, one piece per chunk of rows: memory stays at one chunk.

    Signatures on PostgreSQL come from the database's COPY (`copy_signature_csv`); other
    rows go through the csv module, not a pandas frame per chunk: for 1,000,000 signatures
    pandas took 13 times as long as PostgreSQL's own COPY (bench/)."""
    header = io.StringIO()
    csv.writer(header).writerow(columns)
    yield header.getvalue()
    copied = rows.copy_csv() if isinstance(rows, SignatureRows) else None
    if copied is not None:
        yield from copied
        return
    for chunk in _chunks(rows, CHUNK):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(map(neutralise, row) for row in chunk)
        yield buffer.getvalue()


def xlsx_file(columns: list[str], rows: Iterable):
    """An XLSX workbook written row by row (openpyxl's write-only mode) to a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("export")
    sheet.append(columns)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
