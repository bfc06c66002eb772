from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbub.analysis.cues import CUES, find_cues


def cues_of(text: str) -> set[str]:
    [found] = find_cues([text])
    return {cue for cue, present in zip(CUES, found.tolist(), strict=True) if present}


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("How do I get a refund?", {"question", "complaint"}),
        ("that's how it is", set()),
        ("show me the way", set()),
        ("Please e-mail me back", {"contact"}),
        ("I want to talk to a real person", {"contact"}),
        ("I heard they are closing", {"misinformation"}),
        ("refunded already", set()),
        ("my_refund", set()),
        ("still waiting...", {"complaint"}),
        ("doesn't work at all", {"complaint"}),
        ("where?", {"question"}),
        ("", set()),
    ],
)
def test_cues_are_whole_phrases_and_question_words_only_open_a_post(text, cues):
    assert cues_of(text) == cues


def test_a_cue_belongs_to_its_own_post_even_after_a_post_that_lowercases_longer():
    # "İ" lower-cases to two characters: the line of each match is found in the lower-cased text.
    found = find_cues(["İİİİ", "İ am fine", "how are you"])

    assert found[:, CUES.index("question")].tolist() == [False, False, True]


def test_an_empty_batch_has_no_cues():
    assert find_cues([]).shape == (0, len(CUES))


@given(
    st.lists(
        st.lists(st.sampled_from(["how", "refund", "dm me", "?", "x", " ", "\n", "é", "_", "rumour"])).map(
            "".join
        ),
        max_size=8,
    )
)
def test_a_posts_cues_do_not_depend_on_its_batch(texts):
    alone = [find_cues([text])[0].tolist() for text in texts]

    assert find_cues(texts).tolist() == alone
