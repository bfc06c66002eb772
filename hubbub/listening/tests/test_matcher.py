"""The term matcher: whole words and hashtags, ignoring case and accents, never a regular expression."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbub.core.text import fold
from hubbub.listening.matcher import Match, Matcher


def found(terms, text):
    return sorted((match.term, match.key) for match in Matcher(terms).find(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a cat sat", [("cat", 1)]),
        ("cat", [("cat", 1)]),
        ("Cat!", [("cat", 1)]),
        ("(cat)", [("cat", 1)]),
        ("concatenate", []),
        ("cats", []),
        ("bobcat", []),
        ("cat_food", []),
        ("cat2", []),
        ("caté", []),
    ],
)
def test_terms_match_whole_words_only(text, expected):
    assert found([("cat", 1)], text) == expected


@pytest.mark.parametrize("text", ["CAFE", "café", "Café", "CAFÉ", "Cafe\u0301", "cafè"])
def test_matching_ignores_case_and_accents(text):
    assert found([("Café", 7)], f"meet at the {text} tonight") == [("Café", 7)]


def test_accented_and_plain_spellings_of_a_term_match_each_other():
    assert found([("cafe", 1)], "un café noir") == [("cafe", 1)]
    assert found([("Straße", 2)], "STRASSE gesperrt") == [("Straße", 2)]


@pytest.mark.parametrize("text", ["#AcmeFail", "so bad #acmefail!", "#ACMEFAIL", "(#acmefail)"])
def test_a_hashtag_term_matches_the_hashtag_in_any_case(text):
    assert found([("#acmefail", 3)], text) == [("#acmefail", 3)]


@pytest.mark.parametrize("text", ["x#acmefail", "##acmefail", "#acmefails", "acmefail", "#acme_fail"])
def test_a_hashtag_term_does_not_match_inside_other_words_or_hashtags(text):
    assert found([("#acmefail", 3)], text) == []


def test_a_plain_term_also_matches_its_hashtag():
    assert found([("acme", 5)], "loving my new phone #Acme") == [("acme", 5)]
    assert found([("acme", 5)], "loving my new phone #Acmes") == []


def test_a_phrase_matches_across_runs_of_whitespace_and_line_breaks():
    assert found([("new phone", 4)], "my new  phone and my new\nphone") == [("new phone", 4)]


def test_a_multi_word_phrase_matches_as_a_whole():
    terms = [("new phone", 4)]

    assert found(terms, "My NEW Phone is broken") == [("new phone", 4)]
    assert found(terms, "my renew phones") == []
    assert found(terms, "a new phonebook") == []
    assert found(terms, "new, phone") == []


@pytest.mark.parametrize("term", ["a.b", "(a+)+$", "[x]", ".*", "c++", "a|b", "\\d+", "^x?"])
def test_terms_with_regex_metacharacters_match_literally(term):
    assert found([(term, 1)], f"look: {term} here") == [(term, 1)]
    assert found([(term, 1)], "look: axb aab x d1 cat here") == []


def test_a_term_shaped_like_catastrophic_backtracking_is_just_text():
    terms = [("(a+)+b", 1), ("(x|x)*y", 2)]

    assert found(terms, "a" * 100_000 + "!") == []


def test_every_occurrence_is_reported_once_with_every_key_of_its_term():
    terms = [("battery", 1), ("Battery", 2), ("charger", 1)]

    matches = Matcher(terms).find("battery, BATTERY and battery again")

    assert matches == [Match("battery", 1), Match("Battery", 2)]


def test_a_term_is_found_anywhere_in_a_text_and_all_terms_are_found():
    terms = [("battery", 1), ("screen", 2), ("#acmefail", 3)]

    assert found(terms, "screen cracked, battery dead #acmefail") == [
        ("#acmefail", 3),
        ("battery", 1),
        ("screen", 2),
    ]


def test_blank_terms_are_ignored_and_terms_are_stripped():
    matcher = Matcher([("", 1), ("   ", 2), ("  refund  ", 3)])

    assert matcher.find("  ") == []
    assert matcher.find("I want a refund") == [Match("refund", 3)]


def test_a_matcher_without_terms_finds_nothing():
    assert Matcher([]).find("anything at all") == []


def test_five_thousand_terms_are_matched_correctly():
    rng = random.Random(2026)
    words = {"".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 10))) for _ in range(5_000)}
    terms = [(word, index) for index, word in enumerate(sorted(words))]
    chosen = rng.sample(terms, 3)
    text = "filler " + " and ".join(word.upper() for word, _ in chosen) + " filler"

    assert found(terms, text) == sorted(chosen)
    assert found(terms, "none of the registered words is here") == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\U0001f600\U0001f4a9\U0001f525" * 20,
        "\u202e\u200f\ufeff\u0000",
        "\u0301\u0301\u0301 cat",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467 #\ufe0f\u20e3",
    ],
)
def test_odd_texts_do_not_crash(text):
    assert isinstance(Matcher([("cat", 1), ("#acmefail", 2)]).find(text), list)


def test_right_to_left_terms_match_in_right_to_left_text():
    terms = [("שלום", 1), ("مرحبا", 2)]

    assert found(terms, "אמר שלום לכולם") == [("שלום", 1)]
    assert found(terms, "قال مرحبا للجميع") == [("مرحبا", 2)]
    assert found(terms, "שלומית") == []


def test_terms_of_several_scripts_match_in_mixed_script_text():
    terms = [("Acme", 1), ("телефон", 2), ("écran", 3)]

    assert found(terms, "Мой ACME ТЕЛЕФОН и ECRAN сломались") == [("Acme", 1), ("écran", 3), ("телефон", 2)]


def test_a_one_megabyte_text_is_matched():
    text = "lorem ipsum " * 87_000 + "#AcmeFail"

    assert found([("#acmefail", 1), ("ipsum", 2)], text) == [("#acmefail", 1), ("ipsum", 2)]


def test_fold_lower_cases_and_removes_accents():
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert fold("plain ascii") == "plain ascii"


latin_letters = st.characters(codec="latin-1", categories=["Lu", "Ll"])
words = st.text(latin_letters, min_size=1, max_size=12)
terms = st.builds(
    lambda hashtag, parts: ("#" if hashtag else "") + " ".join(parts),
    st.booleans(),
    st.lists(words, min_size=1, max_size=3),
)
latin_text = st.text(st.characters(codec="latin-1"), max_size=80)


@given(term=terms, before=latin_text, after=latin_text)
def test_a_term_inserted_as_a_whole_word_is_always_found(term, before, after):
    matcher = Matcher([(term, "key")])

    assert matcher.find(f"{before} {term} {after}") == [Match(term, "key")]


@given(term=terms, text=latin_text)
def test_matching_does_not_change_when_the_text_is_upper_cased(term, text):
    matcher = Matcher([(term, "key")])

    assert matcher.find(text.upper()) == matcher.find(text)
    assert matcher.find(f"{text} {term}".upper()) == [Match(term, "key")]


def test_a_batch_finds_what_each_text_finds_on_its_own():
    matcher = Matcher([("new phone", 1), ("#acmefail", 2), ("café", 3), ("cat", 4)])
    texts = [
        "my NEW  phone",
        "x#acmefail #AcmeFail",
        "",
        "un Cafe\u0301 noir",
        "concatenate",
        "cat\tnew\nphone",
    ]

    assert matcher.find_in_texts(texts) == [
        (Match("new phone", 1),),
        (Match("#acmefail", 2),),
        (),
        (Match("café", 3),),
        (),
        (Match("cat", 4), Match("new phone", 1)),
    ]


def test_a_text_holding_the_batch_separator_is_still_matched_alone():
    matcher = Matcher([("cat", 1)])

    assert matcher.find_in_texts(["cat\0", "\0cat", "no"]) == [(Match("cat", 1),), (Match("cat", 1),), ()]


def test_a_batch_without_terms_or_texts_finds_nothing():
    assert Matcher([]).find_in_texts(["cat", "dog"]) == [(), ()]
    assert Matcher([("cat", 1)]).find_in_texts([]) == []


# Pieces where batch and single matching could part: whitespace of every kind (collapsed by `fold` only
# in a single text), marks and compatibility characters that decompose (to a space, for "¨"), case that
# changes length, hashtags, word characters, and the batch separator itself.
tricky = ["é", "e\u0301", "ß", "İ", "#", "_", "1", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2028",
          "\u00a8", "\ufb01", ".", "\0"]  # fmt: skip
term_words = ["a", "b", "ss", "fi", "e", "#a", "1", "_"]
tricky_term = st.lists(st.sampled_from(term_words), min_size=1, max_size=3).map(" ".join)


gaps = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2028", " \u00a8", "\u00a8 ", " \n "])


def _spaced(before: str, term: str, spaces: list[str], after: str) -> str:
    return before + "".join(word + space for word, space in zip(term.split(), spaces, strict=False)) + after


@given(data=st.data(), terms=st.lists(tricky_term, min_size=1, max_size=4))
def test_a_batch_of_texts_is_matched_exactly_as_each_text_alone(data, terms):
    matcher = Matcher([(term, index) for index, term in enumerate(terms)])
    words = sorted({word for term in terms for word in term.split()})
    noise = st.lists(st.sampled_from(words) | st.sampled_from(tricky), max_size=8).map("".join)
    # A term's words with any whitespace between them, amid noise: where a phrase is found or not.
    spaced = st.builds(_spaced, noise, st.sampled_from(terms), st.lists(gaps, min_size=3, max_size=3), noise)

    texts = data.draw(st.lists(spaced | noise, max_size=6))

    assert matcher.find_in_texts(texts) == [tuple(matcher.find(text)) for text in texts]


@given(terms=st.lists(terms, min_size=1, max_size=3), texts=st.lists(latin_text, max_size=5))
def test_a_batch_of_latin_texts_is_matched_exactly_as_each_text_alone(terms, texts):
    matcher = Matcher([(term, index) for index, term in enumerate(terms)])

    assert matcher.find_in_texts(texts) == [tuple(matcher.find(text)) for text in texts]


def test_the_terms_of_a_batch_are_those_of_each_text_in_order():
    matcher = Matcher([("refund", 1), ("Refund", 2), ("acme", 3)])

    assert matcher.terms_in_texts(["ACME refund", "nothing", "#acme"]) == [
        ("acme", "refund", "Refund"),
        (),
        ("acme",),
    ]


def test_a_batch_with_thousands_of_phrases_is_matched_text_by_text_alike():
    rng = random.Random(2027)
    word = lambda: "".join(rng.choices(string.ascii_lowercase, k=6))  # noqa: E731
    phrases = [f"{word()} {word()} {word()}" for _ in range(2_000)]  # ~100,000 suspects
    matcher = Matcher([(phrase, index) for index, phrase in enumerate(phrases)])
    texts = [f"x {phrases[7]}  y", f"{phrases[9].replace(' ', chr(9))}", "nothing here"]

    assert matcher.find_in_texts(texts) == [tuple(matcher.find(text)) for text in texts]
    assert matcher.find_in_texts(texts)[1] != ()
