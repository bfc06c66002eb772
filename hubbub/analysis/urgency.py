"""Urgency: how soon the brand should answer, from virality risk, a call for help, intent and tone. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hubbub.analysis.virality import Risk, level_of
from hubbub.core.posts import PriorityPart

HELP_POINTS = 25
INTENT_POINTS = {"contact_request": 15, "complaint": 15, "incorrect_facts": 10, "question": 5}
VIRALITY_SHARE = 0.4  # 40 of the 100 points
NEGATIVITY_POINTS = 20


@dataclass(frozen=True, slots=True)
class UrgencyInputs:
    """What urgency reads."""

    virality: Risk
    call_for_help: bool
    intent: str
    negativity: float


def score_urgency(inputs: UrgencyInputs) -> Risk:
    """A 0-100 urgency with its parts; never lower for more virality, negativity or a call for help."""
    negative_percent = round(100 * min(1.0, max(0.0, inputs.negativity)))
    return _urgency(inputs.virality.score, inputs.call_for_help, inputs.intent, negative_percent)


@lru_cache(maxsize=65_536)
def _urgency(virality: int, call_for_help: bool, intent: str, negative_percent: int) -> Risk:
    parts = [PriorityPart(f"virality risk {virality}", round(VIRALITY_SHARE * virality))]
    if call_for_help:
        parts.append(PriorityPart("call for help", HELP_POINTS))
    if intent in INTENT_POINTS:
        parts.append(PriorityPart(f"intent: {intent}", INTENT_POINTS[intent]))
    parts.append(
        PriorityPart(f"tone: {negative_percent}% negative", round(NEGATIVITY_POINTS * negative_percent / 100))
    )
    score = min(100, sum(part.points for part in parts))
    return Risk(score, level_of(score), tuple(parts))
