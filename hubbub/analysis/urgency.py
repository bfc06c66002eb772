"""Urgency: how soon the brand should answer, from virality risk, a call for help, intent and tone. Pure.

`score_urgency` gives one post's score with its parts; `score_urgencies` the scores of a whole batch,
from the same point functions, with no Python loop per post.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from hubbub.analysis.intent import INTENTS
from hubbub.analysis.virality import Risk, level_of, negative_percent
from hubbub.core.posts import PriorityPart

HELP_POINTS = 25
INTENT_POINTS = {"contact_request": 15, "complaint": 15, "incorrect_facts": 10, "question": 5}
VIRALITY_SHARE = 0.4  # 40 of the 100 points
NEGATIVITY_POINTS = 20

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class UrgencyInputs:
    """What urgency reads."""

    virality: Risk
    call_for_help: bool
    intent: str
    negativity: float


def virality_points(virality: int) -> int:
    """Points for the virality risk (0-100)."""
    return round(VIRALITY_SHARE * virality)


def negativity_points(percent: int) -> int:
    """Points for how negative the post is."""
    return round(NEGATIVITY_POINTS * percent / 100)


def score_urgency(inputs: UrgencyInputs) -> Risk:
    """A 0-100 urgency with its parts; never lower for more virality, negativity or a call for help."""
    return _urgency(
        inputs.virality.score, inputs.call_for_help, inputs.intent, negative_percent(inputs.negativity)
    )


@lru_cache(maxsize=65_536)
def _urgency(virality: int, call_for_help: bool, intent: str, percent: int) -> Risk:
    parts = [PriorityPart(f"virality risk {virality}", virality_points(virality))]
    if call_for_help:
        parts.append(PriorityPart("call for help", HELP_POINTS))
    if intent in INTENT_POINTS:
        parts.append(PriorityPart(f"intent: {intent}", INTENT_POINTS[intent]))
    parts.append(PriorityPart(f"tone: {percent}% negative", negativity_points(percent)))
    score = min(100, sum(part.points for part in parts))
    return Risk(score, level_of(score), tuple(parts))


@cache
def _tables() -> tuple[IntArray, IntArray, IntArray]:
    return (
        np.array([virality_points(score) for score in range(101)], dtype=np.int64),
        np.array([INTENT_POINTS.get(intent, 0) for intent in INTENTS], dtype=np.int64),
        np.array([negativity_points(percent) for percent in range(101)], dtype=np.int64),
    )


def score_urgencies(
    virality: IntArray, call_for_help: BoolArray, intent: IntArray, percents: IntArray
) -> IntArray:
    """The urgency score of each post (intent as an index into INTENTS, negativity as a whole
    percentage): the same points as `score_urgency`."""
    virality_table, intent_table, negativity_table = _tables()
    total = (
        virality_table[virality]
        + HELP_POINTS * call_for_help
        + intent_table[intent]
        + negativity_table[percents]
    )
    capped: IntArray = np.minimum(total, 100)
    return capped
