"""X's weighted length, from twitter-text's v3 rules and conformance cases."""

from __future__ import annotations

import pytest

from hubbub.channels.networks.twitter.connector import SPEC
from hubbub.channels.networks.twitter.textlength import weighted_length


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("a" * 280, 280),
        ("Hello, world!", 13),
        ("日本語", 6),  # CJK weighs 2
        ("привет", 6),  # Cyrillic is inside U+0000-U+10FF: weight 1
        ("안녕", 4),  # Hangul weighs 2
        ("\u201cquoted\u201d \u2013 dash", 15),  # U+2010-U+201F (quotes, dashes) are light
        ("…", 2),  # U+2026 is outside the light ranges
        ("https://example.com/a/very/long/path/that/goes/on/and/on?with=query", 23),
        ("see https://example.com/a.", 4 + 23 + 1),  # a trailing dot is not part of the URL
        ("acme.com/help please", 23 + 7),  # a bare domain counts as a URL
        ("email me at bob@acme.com", 24),  # an address is not a URL
        ("👍", 2),
        ("👍🏽", 2),  # with a skin tone
        ("👨‍👩‍👧‍👦", 2),  # a ZWJ family is one emoji
        ("🇯🇵", 2),  # a flag
        ("1️⃣", 2),  # a keycap
        ("cafe\u0301", 4),  # NFC makes e + combining acute one character
    ],
)
def test_weighted_length_follows_twitter_text(text: str, length: int) -> None:
    assert weighted_length(text) == length


def test_the_reply_rules_count_with_the_weighted_length() -> None:
    assert (SPEC.rules.max_chars, SPEC.rules.counts("日本" * 70), SPEC.rules.counts("日本" * 71)) == (
        280,
        280,
        284,
    )
    assert SPEC.rules.kinds == frozenset({"reply", "direct"})
