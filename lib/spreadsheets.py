"""Cells for CSV and XLSX files that open safely in spreadsheet applications."""

from datetime import datetime

# A cell starting with one of these runs as a formula in Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with `'`; dates become ISO text.

    Called for every cell of every export, so the cheapest checks come first (see bench/).
    """
    if isinstance(value, str):
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if isinstance(value, datetime):
        return value.isoformat()
    return value
