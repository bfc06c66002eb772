"""CSV exports cannot smuggle formulas into a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hubbub.core.csv_safety import FORMULA_STARTS, SafeCsvWriter, neutralise, safe_cell


def _written(rows: Sequence[Sequence[object]]) -> list[list[str]]:
    stream = io.StringIO(newline="")
    SafeCsvWriter(stream).writerows(rows)
    return list(csv.reader(io.StringIO(stream.getvalue(), newline="")))


def test_neutralises_every_formula_start():
    cells = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\tcalc", "\rcalc"]

    assert _written([cells]) == [["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@SUM(1)", "'\tcalc", "'\rcalc"]]


def test_leaves_ordinary_text_alone():
    assert _written([["Dana O'Brien", "a=b", "1+1", "mail@example.com"]]) == [
        ["Dana O'Brien", "a=b", "1+1", "mail@example.com"]
    ]


def test_writes_numbers_dates_and_missing_values_plainly():
    moment = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)

    assert _written([[-5, Decimal("-12.50"), 1.5, True, None, date(2026, 1, 2), moment]]) == [
        ["-5", "-12.50", "1.5", "true", "", "2026-01-02", "2026-11-01T09:30:00+00:00"]
    ]


def test_neutralises_text_that_only_looks_like_a_number():
    assert safe_cell("-5") == "'-5"


@given(st.text())
def test_no_written_cell_starts_a_formula(text):
    [[cell]] = _written([[text]]) or [[""]]

    assert not cell.startswith(FORMULA_STARTS)


@given(st.text())
def test_safe_text_is_kept_exactly_and_unsafe_text_gains_only_an_apostrophe(text):
    cell = neutralise(text)

    assert cell == text or cell == "'" + text
    assert (cell != text) == text.startswith(FORMULA_STARTS)
