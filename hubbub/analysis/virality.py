"""Virality risk: how far a post may travel, from its author's reach, early engagement and tone. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from hubbub.core.posts import PriorityPart

# Points out of 100: reach weighs most (a big account's complaint travels), then engagement already
# gathered, then tone (negative and angry posts are shared more).
REACH_POINTS = 45
ENGAGEMENT_POINTS = 35
TONE_POINTS = 20
FULL_REACH_FOLLOWERS = 1_000_000
FULL_ENGAGEMENT = 1_000  # likes + 2 x reposts + 1.5 x replies
HIGH_FROM = 60
MEDIUM_FROM = 35


@dataclass(frozen=True, slots=True)
class Engagement:
    """Early reactions to a post, where the network gives them (0 otherwise)."""

    likes: int = 0
    reposts: int = 0
    replies: int = 0


@dataclass(frozen=True, slots=True)
class Risk:
    """A 0-100 score, its level and the parts it is made of."""

    score: int
    level: str
    parts: tuple[PriorityPart, ...]


def _log_share(value: float, full: float) -> float:
    return min(1.0, math.log10(1.0 + max(0.0, value)) / math.log10(1.0 + full))


def level_of(score: int) -> str:
    """high, medium or low."""
    if score >= HIGH_FROM:
        return "high"
    return "medium" if score >= MEDIUM_FROM else "low"


def score_virality(followers: int, engagement: Engagement, negativity: float) -> Risk:
    """Risk from followers (log scale), weighted engagement (log scale) and negativity (0-1)."""
    return _virality(max(0, followers), engagement, round(100 * min(1.0, max(0.0, negativity))))


@lru_cache(maxsize=65_536)  # most posts share a few (followers, engagement, tone) combinations
def _virality(followers: int, engagement: Engagement, negative_percent: int) -> Risk:
    weighted = engagement.likes + 2 * engagement.reposts + 1.5 * engagement.replies
    parts = (
        PriorityPart(
            f"reach: {followers:,} followers",
            round(REACH_POINTS * _log_share(followers, FULL_REACH_FOLLOWERS)),
        ),
        PriorityPart(
            f"early engagement: {weighted:,.0f}",
            round(ENGAGEMENT_POINTS * _log_share(weighted, FULL_ENGAGEMENT)),
        ),
        PriorityPart(f"tone: {negative_percent}% negative", round(TONE_POINTS * negative_percent / 100)),
    )
    score = sum(part.points for part in parts)
    return Risk(score, level_of(score), parts)
