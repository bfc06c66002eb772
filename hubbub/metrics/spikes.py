"""Spike detection over sliding windows of per-minute topic counts: pure, no database.

The last `window_minutes` complete minutes are compared with the `baseline_windows` windows of the
same length before them. Two anomalies are looked for:

- **volume**: more posts than the baseline predicts. The score is a z-score against the baseline's
  mean, with the variance taken as the larger of the mean (Poisson) and the baseline's own variance
  (bursty topics), and at least 1 so that a silent baseline does not divide by zero.
- **negative share**: a larger share of negative posts than in the baseline. The score is the
  two-proportion z-test (pooled), which needs enough posts in both the window and the baseline.

Significance alone is not enough: a minimum count (1 → 3 posts is no spike) and a minimum effect
(a ratio for volume, a lift in points for the share) keep huge topics from alerting on tiny moves.
Every decision carries what it saw, what it expected, its score, the threshold and the windows.
An alert that opened lasts while the score stays above `release` times the threshold (hysteresis),
so a spike hovering at the threshold does not open and close on every pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

VOLUME = "volume"
NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class Counts:
    """Posts, and negative posts among them, in a minute or a window."""

    posts: int = 0
    negative: int = 0


@dataclass(frozen=True, slots=True)
class SpikeRule:
    """The windows and thresholds of detection."""

    window_minutes: int = 5
    baseline_windows: int = 12
    min_posts: int = 10
    volume_score: float = 4.0
    min_ratio: float = 1.5
    min_negative: int = 5
    min_baseline_posts: int = 20
    share_score: float = 3.0
    min_share_lift: float = 0.15
    release: float = 0.5

    @property
    def baseline_minutes(self) -> int:
        return self.window_minutes * self.baseline_windows

    @property
    def lookback_minutes(self) -> int:
        """How many minutes before the end of the window detection reads."""
        return self.window_minutes + self.baseline_minutes


DEFAULT_RULE = SpikeRule()


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one topic shows one kind of anomaly now, and why."""

    kind: str
    is_spike: bool
    lasts: bool  # an already open alert stays open (the relaxed threshold still holds)
    observed: float
    expected: float
    score: float
    threshold: float
    window_minutes: int
    baseline_minutes: int
    explanation: str


def split_windows(
    series: Mapping[int, Counts], end_minute: int, rule: SpikeRule
) -> tuple[Counts, list[Counts]]:
    """The window of minutes [end - window, end) and the baseline windows before it, newest first."""
    size = rule.window_minutes
    current = _sum_minutes(series, end_minute - size, end_minute)
    baseline = [
        _sum_minutes(series, end_minute - (k + 1) * size, end_minute - k * size)
        for k in range(1, rule.baseline_windows + 1)
    ]
    return current, baseline


def _sum_minutes(series: Mapping[int, Counts], start: int, end: int) -> Counts:
    posts = negative = 0
    for minute in range(start, end):
        counts = series.get(minute)
        if counts is not None:
            posts += counts.posts
            negative += counts.negative
    return Counts(posts, negative)


def decide(
    current: Counts, baseline: Sequence[Counts], rule: SpikeRule = DEFAULT_RULE
) -> tuple[Decision, Decision]:
    """The volume and the negative-share decision of one topic's window against its baseline windows."""
    return volume_decision(current, baseline, rule), negative_share_decision(current, baseline, rule)


def volume_decision(current: Counts, baseline: Sequence[Counts], rule: SpikeRule = DEFAULT_RULE) -> Decision:
    """Whether the window holds far more posts than the baseline windows predict."""
    counts = [window.posts for window in baseline]
    expected = sum(counts) / len(counts) if counts else 0.0
    spread = sum((count - expected) ** 2 for count in counts) / len(counts) if counts else 0.0
    score = (current.posts - expected) / math.sqrt(max(expected, spread, 1.0))
    enough = current.posts >= rule.min_posts
    big_enough = current.posts >= rule.min_ratio * expected
    is_spike = enough and big_enough and score >= rule.volume_score
    lasts = enough and current.posts > expected and score >= rule.release * rule.volume_score
    return Decision(
        kind=VOLUME,
        is_spike=is_spike,
        lasts=lasts or is_spike,
        observed=float(current.posts),
        expected=expected,
        score=score,
        threshold=rule.volume_score,
        window_minutes=rule.window_minutes,
        baseline_minutes=rule.baseline_minutes,
        explanation=_volume_why(current.posts, expected, score, rule),
    )


def _volume_why(observed: int, expected: float, score: float, rule: SpikeRule) -> str:
    window = f"{observed} posts in {rule.window_minutes} min"
    if observed < rule.min_posts:
        return f"{window}: fewer than the {rule.min_posts} a spike needs"
    why = (
        f"{window} against {expected:.1f} expected from the previous {rule.baseline_minutes} min: "
        f"score {score:.1f}, threshold {rule.volume_score:g}"
    )
    if observed < rule.min_ratio * expected:
        why += f", but less than {rule.min_ratio:g} times the expected volume"
    return why


def negative_share_decision(
    current: Counts, baseline: Sequence[Counts], rule: SpikeRule = DEFAULT_RULE
) -> Decision:
    """Whether the window's share of negative posts is significantly above the baseline's."""
    base = Counts(sum(window.posts for window in baseline), sum(window.negative for window in baseline))
    observed = current.negative / current.posts if current.posts else 0.0
    expected = base.negative / base.posts if base.posts else 0.0
    score = _two_proportion_score(current, base)
    enough = _enough_for_a_share(current, base, rule)
    lift = observed - expected
    is_spike = enough and lift >= rule.min_share_lift and score >= rule.share_score
    lasts = enough and lift > 0 and score >= rule.release * rule.share_score
    return Decision(
        kind=NEGATIVE,
        is_spike=is_spike,
        lasts=lasts or is_spike,
        observed=observed,
        expected=expected,
        score=score,
        threshold=rule.share_score,
        window_minutes=rule.window_minutes,
        baseline_minutes=rule.baseline_minutes,
        explanation=_share_why(current, base, score, rule),
    )


def _enough_for_a_share(current: Counts, base: Counts, rule: SpikeRule) -> bool:
    return (
        current.posts >= rule.min_posts
        and current.negative >= rule.min_negative
        and base.posts >= rule.min_baseline_posts
    )


def _two_proportion_score(current: Counts, base: Counts) -> float:
    if not current.posts or not base.posts:
        return 0.0
    pooled = (current.negative + base.negative) / (current.posts + base.posts)
    error = math.sqrt(pooled * (1 - pooled) * (1 / current.posts + 1 / base.posts))
    return (current.negative / current.posts - base.negative / base.posts) / error if error else 0.0


def _share_why(current: Counts, base: Counts, score: float, rule: SpikeRule) -> str:
    if not _enough_for_a_share(current, base, rule):
        return (
            f"{current.negative} negative of {current.posts} posts in {rule.window_minutes} min "
            f"and {base.posts} posts in the previous {rule.baseline_minutes} min: too few to judge "
            f"(a share needs {rule.min_posts} posts, {rule.min_negative} negative, a baseline of "
            f"{rule.min_baseline_posts})"
        )
    observed, expected = current.negative / current.posts, base.negative / base.posts
    why = (
        f"{observed:.0%} negative of {current.posts} posts in {rule.window_minutes} min against "
        f"{expected:.0%} of {base.posts} in the previous {rule.baseline_minutes} min: "
        f"score {score:.1f}, threshold {rule.share_score:g}"
    )
    if observed - expected < rule.min_share_lift:
        why += f", but less than {rule.min_share_lift * 100:.0f} points above the baseline"
    return why
