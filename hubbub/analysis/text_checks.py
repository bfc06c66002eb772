"""What the analyser accepts: empty and binary texts are rejected with a reason, long ones cut. Pure."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

# A text where more than this share of characters are control characters or U+FFFD (what an
# undecodable byte becomes) is binary, not a post.
BINARY_SHARE = 0.1
BINARY_SAMPLE_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class CheckedText:
    """The text to analyse, or why it is rejected, and any note on what was done to it."""

    text: str
    rejected: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class CheckedTexts:
    """`CheckedText` of each text of a batch, as three lists ("" where a text has no reason or note)."""

    texts: list[str]
    rejected: list[str]
    notes: list[str]


def _is_binary_char(char: str) -> bool:
    return char == "\ufffd" or (unicodedata.category(char) in {"Cc", "Cs"} and char not in "\t\n\r")


@cache
def _binary_to(replacement: str | None) -> dict[int, str | None]:
    # Every binary character (control characters and surrogates are all in the Basic Multilingual Plane)
    # for str.translate, which replaces or drops them in one C pass.
    return {point: replacement for point in range(0x10000) if _is_binary_char(chr(point))}


def check_text(text: object, max_chars: int) -> CheckedText:
    """Accept, cut or reject one text."""
    if not isinstance(text, str):
        return CheckedText("", rejected="not text")
    if not text.strip():
        return CheckedText("", rejected="empty text")
    note = ""
    if len(text) > max_chars:
        text, note = text[:max_chars], f"truncated to the first {max_chars:,} characters"
    if "\ufffd" in text or not text.isprintable():
        sample = text[:BINARY_SAMPLE_CHARS]
        binary = len(sample) - len(sample.translate(_binary_to(None)))
        if binary > BINARY_SHARE * len(sample):
            return CheckedText("", rejected="binary or undecodable content")
        text = text.translate(_binary_to(" "))
    return CheckedText(text, note=note)


def check_texts(texts: Sequence[object], max_chars: int) -> CheckedTexts:
    """`check_text` of each text; a text that needs no change costs no Python call of its own."""
    plain = [
        isinstance(text, str)
        and 0 < len(text) <= max_chars
        and text.isprintable()
        and "\ufffd" not in text
        and not text.isspace()
        for text in texts
    ]
    result = CheckedTexts(
        [text if ok else "" for text, ok in zip(texts, plain, strict=True)],  # type: ignore[misc]
        [""] * len(texts),
        [""] * len(texts),
    )
    for index in [index for index, ok in enumerate(plain) if not ok]:
        checked = check_text(texts[index], max_chars)
        result.texts[index], result.rejected[index], result.notes[index] = (
            checked.text, checked.rejected, checked.note,
        )  # fmt: skip
    return result
