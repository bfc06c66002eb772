"""The replay connector: posts from JSONL and CSV files, with every bad row reported, never fatal."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from hubbub.channels.replay.rows import TWCS_COLUMNS, Rejected, from_twcs, parse_row
from hubbub.core.posts import Post

# A row longer than this is rejected before parsing: it cannot hold a valid post.
MAX_ROW_CHARS = 1_000_000
RAW_EXCERPT_CHARS = 500


class FileFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def guess_format(path: Path) -> FileFormat:
    """The file's format from its name (.jsonl, .ndjson, .json or .csv)."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return FileFormat.JSONL
    if suffix == ".csv":
        return FileFormat.CSV
    raise ValueError(f"cannot tell the format of {path.name!r}: name it .jsonl or .csv, or pass --format")


def read_posts(path: Path, file_format: FileFormat) -> Iterator[tuple[int, Post | Rejected]]:
    """(line number, Post or Rejected) for each row of the file, in order."""
    # surrogateescape keeps undecodable bytes so that one bad row is rejected, not the whole file.
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        if file_format is FileFormat.JSONL:
            yield from _read_jsonl(handle)
        else:
            yield from _read_csv(handle)


def _excerpt(raw: str) -> str:
    return raw[:RAW_EXCERPT_CHARS].encode("utf-8", errors="replace").decode("utf-8")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_jsonl(handle: IO[str]) -> Iterator[tuple[int, Post | Rejected]]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        yield number, _parse_json_line(number, line.rstrip("\r\n"))


def _parse_json_line(number: int, line: str) -> Post | Rejected:
    if len(line) > MAX_ROW_CHARS:
        return Rejected(number, f"row longer than {MAX_ROW_CHARS:,} characters", _excerpt(line))
    if not _is_utf8(line):
        return Rejected(number, "not valid UTF-8", _excerpt(line))
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as error:
        return Rejected(number, f"not valid JSON: {error.msg} at column {error.colno}", _excerpt(line))
    if not isinstance(fields, dict):
        return Rejected(number, f"expected a JSON object, got {type(fields).__name__}", _excerpt(line))
    if fields.keys() >= TWCS_COLUMNS:
        fields = from_twcs(fields)
    return parse_row(number, fields, _excerpt(line))


def _read_csv(handle: IO[str]) -> Iterator[tuple[int, Post | Rejected]]:
    csv.field_size_limit(MAX_ROW_CHARS)
    reader = csv.reader(handle)
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        return
    twcs = set(header) >= TWCS_COLUMNS
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, Rejected(start, f"unreadable CSV: {error}", "")
            continue
        if not values or values == [""]:
            continue
        yield start, _parse_csv_values(start, header, values, twcs=twcs)


def _parse_csv_values(number: int, header: list[str], values: list[str], *, twcs: bool) -> Post | Rejected:
    raw = ",".join(values)
    if len(values) != len(header):
        return Rejected(number, f"expected {len(header)} columns, found {len(values)}", _excerpt(raw))
    if not _is_utf8(raw):
        return Rejected(number, "not valid UTF-8", _excerpt(raw))
    fields: dict[str, Any] = dict(zip(header, values, strict=True))
    return parse_row(number, from_twcs(fields) if twcs else fields, _excerpt(raw))
