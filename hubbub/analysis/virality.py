"""Virality risk: how far a post may travel, from its author's reach, early engagement and tone. Pure.

`score_virality` gives one post's score with its parts; `score_viralities` the scores of a whole
batch, from the same point functions, with no Python loop per post.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

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
LEVELS = ("low", "medium", "high")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Engagement:
    """Early reactions to a post, where the network gives them (0 otherwise)."""

    likes: int = 0
    reposts: int = 0
    replies: int = 0

    @property
    def weighted(self) -> float:
        """Reposts and replies count more than likes: they show the post to more people."""
        return self.likes + 2 * self.reposts + 1.5 * self.replies


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


def levels_of(scores: IntArray) -> IntArray:
    """`level_of` for many scores, as indices into LEVELS."""
    return (scores >= MEDIUM_FROM).astype(np.int64) + (scores >= HIGH_FROM)


def negative_percent(negativity: float) -> int:
    """Negativity (0-1) as a whole percentage."""
    return round(100 * min(1.0, max(0.0, negativity)))


def negative_percents(negativity: FloatArray) -> IntArray:
    """`negative_percent` of many posts (numpy rounds half to even, as `round` does)."""
    return np.rint(100 * np.clip(negativity, 0.0, 1.0)).astype(np.int64)


@lru_cache(maxsize=65_536)
def reach_points(followers: int) -> int:
    """Points for the author's followers, on a log scale."""
    return round(REACH_POINTS * _log_share(followers, FULL_REACH_FOLLOWERS))


@lru_cache(maxsize=65_536)
def engagement_points(weighted: float) -> int:
    """Points for the weighted engagement, on a log scale."""
    return round(ENGAGEMENT_POINTS * _log_share(weighted, FULL_ENGAGEMENT))


def tone_points(percent: int) -> int:
    """Points for how negative the post is."""
    return round(TONE_POINTS * percent / 100)


@cache
def _tone_table() -> IntArray:
    return np.array([tone_points(percent) for percent in range(101)], dtype=np.int64)


def score_virality(followers: int, engagement: Engagement, negativity: float) -> Risk:
    """Risk from followers (log scale), weighted engagement (log scale) and negativity (0-1)."""
    return _virality(max(0, followers), engagement, negative_percent(negativity))


@lru_cache(maxsize=65_536)  # most posts share a few (followers, engagement, tone) combinations
def _virality(followers: int, engagement: Engagement, percent: int) -> Risk:
    weighted = engagement.weighted
    parts = (
        PriorityPart(f"reach: {followers:,} followers", reach_points(followers)),
        PriorityPart(f"early engagement: {weighted:,.0f}", engagement_points(weighted)),
        PriorityPart(f"tone: {percent}% negative", tone_points(percent)),
    )
    score = sum(part.points for part in parts)
    return Risk(score, level_of(score), parts)


def score_viralities(followers: IntArray, weighted: FloatArray, percents: IntArray) -> IntArray:
    """The virality score of each post: followers (clipped at 0), weighted engagement and negative
    percentage in, the same points as `score_virality` out."""
    return (
        _points_of_each(reach_points, np.maximum(followers, 0))
        + _points_of_each(engagement_points, weighted)
        + _tone_table()[percents]
    )


def _points_of_each(points: Callable[[Any], int], values: npt.NDArray[np.generic]) -> IntArray:
    """`points(value)` for each value, computed once per distinct value (posts share few)."""
    distinct, where = np.unique(values, return_inverse=True)
    table = np.array([points(value) for value in distinct.tolist()], dtype=np.int64)
    each: IntArray = table[where]
    return each
