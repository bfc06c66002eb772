"""CSV that spreadsheets cannot execute: cells that would start a formula are neutralised.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return may be run as a formula by
Excel, LibreOffice or Google Sheets (CSV injection). Following OWASP's advice, such text cells get
a leading apostrophe, which spreadsheets show as plain text. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

# https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The text, prefixed with an apostrophe when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def safe_cell(value: Any) -> str | int | float | Decimal:
    """A value as a CSV cell: numbers as they are, dates in ISO 8601, everything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(str(value))


class SafeCsvWriter:
    """A `csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row of neutralised cells."""
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write rows of neutralised cells."""
        for row in rows:
            self.writerow(row)
