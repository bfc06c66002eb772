"""Lines of a file or stdin as analysis inputs: plain text, or JSONL with a `text` field. Pure parsing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from hubbub.analysis.virality import Engagement

MAX_LINE_BYTES = 4_000_000  # longer lines are cut before decoding; the analyser cuts text further


@dataclass(frozen=True, slots=True)
class InputLine:
    """One line to analyse: its text and optional reach, or why it cannot be read."""

    number: int
    text: str
    followers: int = 0
    engagement: Engagement = field(default_factory=Engagement)
    rejected: str = ""


def _count(record: dict[str, object], name: str) -> int:
    value = record.get(name, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def parse_line(number: int, raw: bytes, jsonl: bool) -> InputLine:
    """Decode one line (bad bytes become U+FFFD, which the analyser judges) and read JSONL's fields."""
    text = raw[:MAX_LINE_BYTES].rstrip(b"\r\n").decode("utf-8", errors="replace")
    if not jsonl:
        return InputLine(number, text)
    if not text.strip():
        return InputLine(number, "", rejected="empty line")
    try:
        record = json.loads(text)
    except ValueError:
        return InputLine(number, "", rejected="not a JSON object")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return InputLine(number, "", rejected='no "text" string field')
    engagement = Engagement(_count(record, "likes"), _count(record, "reposts"), _count(record, "replies"))
    return InputLine(number, record["text"], _count(record, "followers"), engagement)


def parse_lines(lines: Iterable[bytes], jsonl: bool) -> Iterator[InputLine]:
    """Every line, numbered from 1."""
    for number, raw in enumerate(lines, 1):
        yield parse_line(number, raw, jsonl)


def looks_like_jsonl(first_line: bytes) -> bool:
    """Whether a stream whose format was not given is JSONL: its first line is an object with `text`."""
    try:
        record = json.loads(first_line.decode("utf-8", errors="replace"))
    except ValueError:
        return False
    return isinstance(record, dict) and "text" in record
