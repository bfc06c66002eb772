from __future__ import annotations

import pytest

from hubbub.analysis.analyser import Analyser, Analysis, rejected_analysis
from hubbub.analysis.decision import RULES
from hubbub.analysis.intent import INTENTS
from hubbub.analysis.virality import LEVELS, Engagement

CLEAR = {
    "I love this phone, best purchase of the year! Thank you so much": ("positive", "thank"),
    "My card still hasn't arrived after 2 weeks and nobody answers. I want a refund": (
        "negative",
        "service_recovery",
    ),
}


def test_clear_posts_get_the_expected_sentiment_and_decision(analyser):
    analyses = analyser.analyse_texts(list(CLEAR))

    assert [(a.sentiment, a.decision) for a in analyses] == list(CLEAR.values())


def test_a_complaint_is_a_call_for_help_with_a_reason(analyser):
    [analysis] = analyser.analyse_texts(
        ["My card still hasn't arrived after 2 weeks and nobody answers. I want a refund"]
    )

    assert analysis.intent == "complaint"
    assert analysis.call_for_help is True
    assert analysis.decision_reason == "unhappy customer (complaint): fix the problem, then follow up"
    assert analysis.matched_terms == ("refund",)
    assert analysis.language == "en"


def test_a_question_asking_to_be_called_is_a_contact_request(analyser):
    [analysis] = analyser.analyse_texts(["Can someone from @Acme please call me about my order?"])

    assert analysis.intent == "contact_request"
    assert analysis.matched_terms == ("Acme",)


def test_a_rumour_is_corrected(analyser):
    [analysis] = analyser.analyse_texts(["I heard Acme is going bankrupt next month, is that right"])

    assert (analysis.intent, analysis.decision) == ("incorrect_facts", "correct")


def test_the_same_texts_give_the_same_analysis_alone_or_in_any_batch(analyser):
    texts = [
        "great service today",
        "worst airline ever, lost my bag",
        "¿Dónde está mi pedido? Llevo una semana esperando",
    ]

    together = analyser.analyse_texts(texts)
    alone = [analyser.analyse_texts([text])[0] for text in texts]
    reversed_batch = analyser.analyse_texts(texts[::-1])[::-1]

    assert together == alone == reversed_batch


def test_reach_and_engagement_raise_virality_risk(analyser):
    text = "This company stole my money, never again"
    [quiet, loud] = analyser.analyse_texts(
        [text, text],
        followers=[10, 2_000_000],
        engagement=[Engagement(), Engagement(likes=5_000, reposts=800)],
    )

    assert quiet.virality_risk.score < loud.virality_risk.score
    assert loud.virality_risk.level == "high"
    assert quiet.urgency.score < loud.urgency.score


@pytest.mark.parametrize(
    ("text", "rejected", "note"),
    [
        ("", "empty text", ""),
        ("   \n\t ", "empty text", ""),
        ("\x00\x01\x02\x03binary\x04\x05\x06\x07\x08", "binary or undecodable content", ""),
        ("\ufffd\ufffd\ufffd\ufffd", "binary or undecodable content", ""),
        ("angry " * 200_000, "", "truncated to the first 20,000 characters"),
        ("😡😡😡😡", "", ""),
        ("هذا المنتج رائع جدا وأنا سعيد به", "", ""),
        ("Das ist great, mais c'est trop cher! 太贵了 \ud800", "", ""),
    ],
)
def test_bad_input_is_analysed_or_rejected_with_a_reason_without_breaking_the_batch(
    analyser, text, rejected, note
):
    [good_before, odd, good_after] = analyser.analyse_texts(["thanks a lot!", text, "thanks a lot!"])

    assert (odd.rejected, odd.note) == (rejected, note)
    assert good_before == good_after
    assert good_before.sentiment == "positive"
    if rejected:
        assert (odd.decision, odd.sentiment, odd.language) == ("none", "neutral", "")


def test_emoji_only_and_right_to_left_posts_get_their_language_or_none(analyser):
    [emoji, arabic] = analyser.analyse_texts(["😡😡😡😡", "هذا المنتج رائع جدا وأنا سعيد به"])

    assert emoji.language == ""
    assert arabic.language == "ar"


def test_every_field_is_in_the_json_line(analyser):
    [analysis] = analyser.analyse_texts(["where is my parcel?"])

    assert isinstance(analysis, Analysis)
    assert set(analysis.as_json()) == {
        "language", "sentiment", "sentiment_score", "emotion", "emotion_score", "intent", "intent_reason",
        "decision", "decision_reason", "call_for_help", "call_for_help_score", "irony", "offensive",
        "virality_risk", "virality_level", "virality_parts", "urgency", "urgency_level", "urgency_parts",
        "matched_terms", "rejected", "note",
    }  # fmt: skip


def test_the_batch_columns_say_what_each_posts_analysis_says(analyser):
    texts = ["", "worst airline ever, lost my bag", "thanks a lot!", "Can you call me back?"]
    batch = analyser.analyse(texts, followers=[0, 50_000, 10, 3], engagement=[Engagement()] * 4)
    columns = batch.columns
    analysed = [batch[index] for index in batch.analysed]

    assert len(batch) == 4
    assert batch.analysed == [1, 2, 3]
    assert batch[0] == rejected_analysis("empty text")
    assert [columns.sentiment_labels[i] for i in columns.sentiment] == [a.sentiment for a in analysed]
    assert [INTENTS[i] for i in columns.intent] == [a.intent for a in analysed]
    assert [RULES[i][0] for i in columns.decision] == [a.decision for a in analysed]
    assert columns.call_for_help.tolist() == [a.call_for_help for a in analysed]
    assert columns.virality.tolist() == [a.virality_risk.score for a in analysed]
    assert [LEVELS[i] for i in columns.virality_level] == [a.virality_risk.level for a in analysed]
    assert columns.urgency.tolist() == [a.urgency.score for a in analysed]
    assert [LEVELS[i] for i in columns.urgency_level] == [a.urgency.level for a in analysed]
    assert columns.language == [a.language for a in analysed]


def test_a_batch_term_finder_is_called_once_with_the_analysed_texts():
    calls: list[list[str]] = []

    def find_terms_in(texts: list[str]) -> list[tuple[str, ...]]:
        calls.append(texts)
        return [("refund",) if "refund" in text else () for text in texts]

    analyser = Analyser(find_terms_in=find_terms_in)
    analyses = analyser.analyse_texts(["I want a refund now please", "", "all good here, thank you"])

    assert calls == [["I want a refund now please", "all good here, thank you"]]
    assert [analysis.matched_terms for analysis in analyses] == [("refund",), (), ()]
