"""What an admin writes for a topic: terms one per line, language codes, both bounded. Pure."""

from __future__ import annotations

import pytest

from hubbub.listening.rules import (
    MAX_TERM_CHARS,
    MAX_TERMS_PER_TOPIC,
    RuleError,
    format_languages,
    parse_languages,
    parse_terms,
)


def test_terms_are_one_per_line_trimmed_with_blank_lines_and_repeats_dropped() -> None:
    text = "  battery \n\n#AcmeFail\r\nBattery\n   apple    pie  \n"

    assert parse_terms(text) == ("battery", "#AcmeFail", "apple pie")


def test_a_term_that_looks_like_a_pattern_is_kept_as_plain_text() -> None:
    assert parse_terms("(a+)+$\n.*") == ("(a+)+$", ".*")


def test_a_term_over_the_length_limit_is_refused_with_the_limit() -> None:
    with pytest.raises(RuleError, match=f"at most {MAX_TERM_CHARS} characters"):
        parse_terms("x" * (MAX_TERM_CHARS + 1))


def test_a_topic_with_too_many_terms_is_refused() -> None:
    parse_terms("\n".join(f"t{n}" for n in range(MAX_TERMS_PER_TOPIC)))

    with pytest.raises(RuleError, match=f"at most {MAX_TERMS_PER_TOPIC} exclusions"):
        parse_terms("\n".join(f"t{n}" for n in range(MAX_TERMS_PER_TOPIC + 1)), what="exclusion")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("", ()),
        ("en", ("en",)),
        ("EN, es;pt  fr", ("en", "es", "pt", "fr")),
        ("en,en,EN", ("en",)),
        ("fil", ("fil",)),
    ],
)
def test_languages_are_codes_separated_by_commas_or_spaces(text: str, codes: tuple[str, ...]) -> None:
    assert parse_languages(text) == codes


@pytest.mark.parametrize("text", ["english", "e", "e1", "en-GB", "ñu"])
def test_a_word_that_is_not_a_language_code_is_refused(text: str) -> None:
    with pytest.raises(RuleError, match="Not a language code"):
        parse_languages(text)


def test_languages_are_stored_comma_separated() -> None:
    assert format_languages(("en", "es")) == "en,es"
    assert format_languages(()) == ""
