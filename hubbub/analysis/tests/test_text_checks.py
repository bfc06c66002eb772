from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubbub.analysis.text_checks import CheckedText, check_text, check_texts

ODD_TEXTS = st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\t", "\x00", "\x7f", "\x85", "\ufffd", "é", "\u3000", "😀"]),
    max_size=30,
)


@given(texts=st.lists(st.one_of(ODD_TEXTS, st.none(), st.integers()), max_size=10), limit=st.integers(1, 40))
def test_checking_a_batch_gives_each_texts_own_check(texts, limit):
    checked = check_texts(texts, limit)

    assert [
        CheckedText(*fields) for fields in zip(checked.texts, checked.rejected, checked.notes, strict=True)
    ] == [check_text(text, limit) for text in texts]


def test_control_characters_in_a_mostly_readable_text_become_spaces():
    assert check_text("line one\x00\nline two, a longer one\x1b", 100) == CheckedText(
        "line one \nline two, a longer one "
    )


def test_a_mostly_binary_text_is_rejected_and_a_long_one_cut():
    assert check_text("\x00\x01\x02 ab", 40).rejected == "binary or undecodable content"
    assert check_text("abcdef", 4) == CheckedText("abcd", note="truncated to the first 4 characters")
