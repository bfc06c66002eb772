"""The RightNow response decision (the US Air Force's web-posting assessment): what to do, and why.

Pure: it reads the analysis' labels and scores, never the database. The table is applied to a whole
batch at once with numpy; `decide_response` is the same table for one post.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hubbub.analysis.intent import COMPLAINT, CONTACT_REQUEST, INCORRECT_FACTS, INTENTS, PRAISE, RANT

THANK = "thank"
MONITOR = "monitor"
CORRECT = "correct"
SERVICE_RECOVERY = "service_recovery"
SHARE = "share"
NONE = "none"

# Above these the models are more often right than wrong on their validation splits.
IRONY_FROM = 0.7
RAGE_ANGER_FROM = 0.8
RAGE_OFFENSIVE_FROM = 0.4

# The table's rows, in order: the first that holds decides. Each gives an action and the reason shown
# to the agent, filled with the post's intent and irony.
RULES = (
    (MONITOR, "rant or abuse: monitor only, do not engage"),
    (MONITOR, "ridicule (irony {irony:.0%}): monitor only"),
    (MONITOR, "rage (angry and offensive): monitor only"),
    (CORRECT, "incorrect facts: correct them, politely and with a source"),
    (SERVICE_RECOVERY, "unhappy customer ({intent}): fix the problem, then follow up"),
    (THANK, "positive: thank them"),
    (SHARE, "factual ({intent}): share information and join the conversation"),
)

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Signals:
    """What the decision reads for one post: its intent and tone, and whether someone needs help."""

    intent: str
    sentiment: str
    emotion: str
    emotion_score: float
    irony: float
    offensive: float
    call_for_help: bool


@dataclass(frozen=True, slots=True)
class BatchSignals:
    """What the decision reads, one entry per post."""

    intent: IntArray  # an index into INTENTS
    negative: BoolArray  # the sentiment label is negative
    positive: BoolArray  # the sentiment label is positive
    anger: BoolArray  # the emotion label is anger
    emotion_score: FloatArray
    irony: FloatArray
    offensive: FloatArray
    call_for_help: BoolArray


@dataclass(frozen=True, slots=True)
class Decision:
    """The response to give, with the reason shown to the agent."""

    action: str
    reason: str


def decide_responses(signals: BatchSignals) -> IntArray:
    """RightNow, for each post (an index into RULES): positive → thank; rant, ridicule, rage → monitor;
    incorrect facts → correct; unhappy customer → service recovery; factual → share and join in."""
    intent = {name: signals.intent == INTENTS.index(name) for name in INTENTS}
    needs_help = signals.call_for_help | intent[COMPLAINT] | intent[CONTACT_REQUEST]
    calm = ~needs_help
    conditions = [
        intent[RANT],
        calm & (signals.irony >= IRONY_FROM),
        calm
        & signals.anger
        & (signals.emotion_score >= RAGE_ANGER_FROM)
        & (signals.offensive >= RAGE_OFFENSIVE_FROM),
        intent[INCORRECT_FACTS],
        needs_help | signals.negative,
        signals.positive | intent[PRAISE],
    ]
    rule: IntArray = np.select(conditions, list(range(len(conditions))), len(conditions)).astype(np.int64)
    return rule


def decision_of(rule: int, intent: str, irony: float) -> Decision:
    """The action and reason of one row of RULES, for a post with this intent and irony."""
    action, reason = RULES[rule]
    return Decision(action, reason.format(intent=intent, irony=irony))


def decide_response(signals: Signals) -> Decision:
    """RightNow for one post (see `decide_responses`)."""
    [rule] = decide_responses(
        BatchSignals(
            np.array([INTENTS.index(signals.intent)]), np.array([signals.sentiment == "negative"]),
            np.array([signals.sentiment == "positive"]), np.array([signals.emotion == "anger"]),
            np.array([signals.emotion_score]), np.array([signals.irony]), np.array([signals.offensive]),
            np.array([signals.call_for_help]),
        )
    ).tolist()  # fmt: skip
    return decision_of(rule, signals.intent, signals.irony)
