from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbub.analysis.decision import Decision, Signals, decide_response
from hubbub.analysis.urgency import UrgencyInputs, score_urgency
from hubbub.analysis.virality import Engagement, score_virality


def signals(**overrides) -> Signals:
    base = {"intent": "other", "sentiment": "neutral", "emotion": "joy", "emotion_score": 0.5, "irony": 0.0,
            "offensive": 0.0, "call_for_help": False}  # fmt: skip
    return Signals(**{**base, **overrides})


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"sentiment": "positive", "intent": "praise"}, Decision("thank", "positive: thank them")),
        (
            {"intent": "rant", "sentiment": "negative"},
            Decision("monitor", "rant or abuse: monitor only, do not engage"),
        ),
        ({"irony": 0.9}, Decision("monitor", "ridicule (irony 90%): monitor only")),
        (
            {"emotion": "anger", "emotion_score": 0.9, "offensive": 0.5, "sentiment": "negative"},
            Decision("monitor", "rage (angry and offensive): monitor only"),
        ),
        (
            {"intent": "incorrect_facts"},
            Decision("correct", "incorrect facts: correct them, politely and with a source"),
        ),
        (
            {"intent": "complaint", "sentiment": "negative", "call_for_help": True},
            Decision("service_recovery", "unhappy customer (complaint): fix the problem, then follow up"),
        ),
        (
            {"intent": "question"},
            Decision("share", "factual (question): share information and join the conversation"),
        ),
    ],
)
def test_decision_follows_the_rightnow_table(overrides, expected):
    assert decide_response(signals(**overrides)) == expected


def test_an_ironic_customer_asking_for_help_gets_service_not_silence():
    decision = decide_response(signals(irony=0.95, intent="complaint", call_for_help=True))

    assert decision.action == "service_recovery"


@given(
    base=st.tuples(st.integers(0, 10**8), st.integers(0, 10**6), st.floats(0, 1)),
    more_followers=st.integers(0, 10**8),
    more_likes=st.integers(0, 10**6),
    more_negativity=st.floats(0, 1),
)
def test_virality_never_falls_with_more_reach_engagement_or_negativity(
    base, more_followers, more_likes, more_negativity
):
    followers, likes, negativity = base
    low = score_virality(followers, Engagement(likes=likes), negativity)
    high = score_virality(
        followers + more_followers,
        Engagement(likes=likes + more_likes),
        min(1.0, negativity + more_negativity),
    )

    assert high.score >= low.score
    assert 0 <= low.score <= 100


@given(
    followers=st.integers(0, 10**8),
    negativity=st.floats(0, 1),
    extra=st.floats(0, 1),
    intent=st.sampled_from(["question", "complaint", "other"]),
)
def test_urgency_never_falls_with_more_virality_negativity_or_a_call_for_help(
    followers, negativity, extra, intent
):
    calm = score_urgency(UrgencyInputs(score_virality(0, Engagement(), 0.0), False, intent, negativity))
    pressing = score_urgency(
        UrgencyInputs(
            score_virality(followers, Engagement(), 0.0), True, intent, min(1.0, negativity + extra)
        )
    )

    assert pressing.score >= calm.score
    assert pressing.score <= 100


def test_virality_parts_add_up_to_the_score():
    risk = score_virality(1_000_000, Engagement(likes=1000), 1.0)

    assert risk.score == sum(part.points for part in risk.parts) == 100
    assert risk.level == "high"
