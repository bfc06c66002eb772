from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbub.analysis.cues import CUES
from hubbub.analysis.decision import Decision, Signals, decide_response
from hubbub.analysis.intent import INTENTS, IntentInputs, classify_intents, intent_reason
from hubbub.analysis.urgency import UrgencyInputs, score_urgencies, score_urgency
from hubbub.analysis.virality import (
    LEVELS,
    Engagement,
    levels_of,
    negative_percents,
    score_viralities,
    score_virality,
)


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


@given(
    posts=st.lists(
        st.tuples(
            st.integers(-10, 10**8),
            st.integers(0, 10**6),
            st.integers(0, 10**4),
            st.integers(0, 10**4),
            st.floats(0, 1),
            st.booleans(),
            st.sampled_from(INTENTS),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_batch_virality_and_urgency_are_each_posts_own_scores(posts):
    followers, likes, reposts, replies, negativity, help_wanted, intent = map(list, zip(*posts, strict=True))
    engagement = [Engagement(*counts) for counts in zip(likes, reposts, replies, strict=True)]
    percents = negative_percents(np.array(negativity))

    virality = score_viralities(
        np.array(followers), np.array([reactions.weighted for reactions in engagement]), percents
    )
    urgency = score_urgencies(
        virality, np.array(help_wanted), np.array([INTENTS.index(name) for name in intent]), percents
    )

    risks = [score_virality(*post) for post in zip(followers, engagement, negativity, strict=True)]
    assert virality.tolist() == [risk.score for risk in risks]
    assert [LEVELS[level] for level in levels_of(virality)] == [risk.level for risk in risks]
    assert urgency.tolist() == [
        score_urgency(UrgencyInputs(*inputs)).score
        for inputs in zip(risks, help_wanted, intent, negativity, strict=True)
    ]


def intents_of(**columns) -> list[str]:
    base = {"cues": np.zeros((1, len(CUES)), dtype=bool), "negative_sentiment": np.array([False]),
            "positive_sentiment": np.array([False]), "positive": np.array([0.0]),
            "help_score": np.array([0.0]), "service": np.array([0]), "offensive": np.array([0.0]),
            "hate": np.array([0.0])}  # fmt: skip
    found = classify_intents(IntentInputs(**{**base, **columns}))
    return [INTENTS[label] for label in found.label]


def cue(name: str) -> np.ndarray:
    return np.array([[name == other for other in CUES]])


@pytest.mark.parametrize(
    ("columns", "intent"),
    [
        ({}, "other"),
        ({"offensive": np.array([0.7])}, "rant"),
        ({"offensive": np.array([0.7]), "help_score": np.array([0.9])}, "question"),
        ({"cues": cue("contact"), "offensive": np.array([0.2])}, "contact_request"),
        ({"help_score": np.array([0.9]), "service": np.array([2])}, "contact_request"),
        ({"cues": cue("misinformation")}, "incorrect_facts"),
        ({"cues": cue("complaint")}, "complaint"),
        ({"help_score": np.array([0.5]), "negative_sentiment": np.array([True])}, "complaint"),
        ({"negative_sentiment": np.array([True])}, "other"),
        ({"cues": cue("question")}, "question"),
        ({"positive_sentiment": np.array([True]), "positive": np.array([0.6])}, "praise"),
        ({"positive_sentiment": np.array([True]), "positive": np.array([0.59])}, "other"),
    ],
)
def test_intent_is_the_first_rule_that_holds(columns, intent):
    assert intents_of(**columns) == [intent]


def test_intent_reasons_quote_the_scores_they_rest_on():
    assert intent_reason("rant", 0.734, 0.1, 0.2) == "abusive or offensive language (73%)"
    assert intent_reason("complaint", 0.0, 0.5, 0.0) == (
        "a problem with a product or service (customer-service message 50%)"
    )
    assert intent_reason("praise", 0.0, 0.0, 0.91) == "positive (91%)"
