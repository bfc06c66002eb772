"""What the analyser accepts: empty and binary texts are rejected with a reason, long ones cut. Pure."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# A text where more than this share of characters are control characters or U+FFFD (what an
# undecodable byte becomes) is binary, not a post.
BINARY_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class CheckedText:
    """The text to analyse, or why it is rejected, and any note on what was done to it."""

    text: str
    rejected: str = ""
    note: str = ""


def _is_binary_char(char: str) -> bool:
    return char == "\ufffd" or (unicodedata.category(char) in {"Cc", "Cs"} and char not in "\t\n\r")


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
        sample = text[:2_000]
        if sum(map(_is_binary_char, sample)) > BINARY_SHARE * len(sample):
            return CheckedText("", rejected="binary or undecodable content")
        text = "".join(" " if _is_binary_char(char) else char for char in text)
    return CheckedText(text, note=note)
