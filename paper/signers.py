"""The signers of a batch who agreed to be listed, typed in or from a CSV file.

Typed: one per line, "Name, CC" (the country's two-letter code after the last comma).
CSV: a header row with the columns `name` and `country`. Either way each row is checked and
every bad row is reported by its line number, so a volunteer can fix the sheet and try again:
a name on one line, no email address (a batch never carries any), nothing a spreadsheet
would run as a formula (the guard on the way in; exports neutralise on the way out), and a
country code we know.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from lib.spreadsheets import FORMULA_STARTS, neutralise
from lib.text import REPLACEMENT_CHARACTER, single_line
from pledges.models import NAME_MAX

# The audit log's own test for addresses, kept in step with it.
EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
ERRORS_SHOWN = 20  # a file with every row wrong says so once, not 5,000 times


@dataclass(frozen=True)
class ListedSigner:
    name: str
    country: str  # ISO 3166-1 alpha-2


def has_email(value: str) -> bool:
    return bool(EMAIL_RE.search(value or ""))


def validate_no_email(value: str) -> None:
    """Form and service validator: paper batches never carry an email address."""
    if has_email(value):
        raise ValidationError(
            _("Remove the email address: paper batches never store one."), code="email"
        )


def _row_problem(name: str, country: str, *, first: str) -> str | None:
    if not name:
        return _("the name is missing")
    if REPLACEMENT_CHARACTER in name:
        return _("the name arrived garbled (not valid UTF-8)")
    if first in FORMULA_STARTS:
        return _("the name starts with %(char)s, which a spreadsheet would run as a formula") % {
            "char": repr(first)
        }
    if single_line(name) != name.strip():
        return _("the name has a line break or a control character")
    if len(name) > NAME_MAX:
        return _("the name is longer than %(max)d characters") % {"max": NAME_MAX}
    if has_email(name) or has_email(country):
        return _("it contains an email address, which paper batches never store")
    if not country:
        return _("the country code is missing")
    if country.upper() not in countries:
        return _("%(code)s is not a two-letter country code") % {"code": repr(country[:10])}
    return None


def checked_rows(rows: list[tuple[int, str, str]]) -> list[ListedSigner]:
    """Rows of (line number, name, country) as signers, or every row's problem at once."""
    signers, problems = [], []
    for line, raw, country in rows:
        name, country = raw.strip(), country.strip()
        # The guard looks at the cell as written: a leading tab or CR is a formula start too.
        problem = _row_problem(name, country, first=raw.lstrip(" ")[:1])
        if problem:
            problems.append(_("Line %(line)d: %(problem)s.") % {"line": line, "problem": problem})
        else:
            signers.append(ListedSigner(name, countries.alpha2(country.upper())))
    if problems:
        shown = problems[:ERRORS_SHOWN]
        if len(problems) > ERRORS_SHOWN:
            shown.append(
                _("… and %(n)d more lines with problems.") % {"n": len(problems) - ERRORS_SHOWN}
            )
        raise ValidationError(shown, code="rows")
    return signers


def parse_typed(text: str) -> list[ListedSigner]:
    """ "Amina Yusuf, KE" per line; blank lines are skipped."""
    rows = []
    for line, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        name, comma, country = raw.rpartition(",")
        if not comma:
            name, country = raw, ""
        rows.append((line, name, country))
    return checked_rows(rows)


def parse_csv(data: bytes) -> list[ListedSigner]:
    """A CSV file with `name` and `country` columns (UTF-8, a spreadsheet's BOM allowed)."""
    if len(data) > UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": UPLOAD_MAX_BYTES // 2**20},
            code="too_big",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
            code="encoding",
        ) from exc
    if "\x00" in text:
        raise ValidationError(_("This is not a CSV file."), code="not_csv")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if "name" not in header or "country" not in header:
            raise ValidationError(
                _("The first row must name the columns: name,country."), code="header"
            )
        name_at, country_at = header.index("name"), header.index("country")
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            cell = lambda index, row=row: row[index] if index < len(row) else ""  # noqa: E731
            rows.append((reader.line_num, cell(name_at), cell(country_at)))
    except csv.Error as exc:
        raise ValidationError(
            _("The file could not be read as CSV (line %(line)d).") % {"line": reader.line_num},
            code="not_csv",
        ) from exc
    return checked_rows(rows)


def as_csv(signers: list[ListedSigner]) -> str:
    """Back out as CSV (the staff download), every cell through the formula guard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "country"])
    for signer in signers:
        writer.writerow([neutralise(signer.name), neutralise(signer.country)])
    return buffer.getvalue()
