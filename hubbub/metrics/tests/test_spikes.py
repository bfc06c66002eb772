"""Spike decisions over sliding windows: pure, explained, and stable under the properties they promise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubbub.metrics.spikes import (
    DEFAULT_RULE,
    NEGATIVE,
    VOLUME,
    Counts,
    decide,
    negative_share_decision,
    split_windows,
    volume_decision,
)

RULE = DEFAULT_RULE
END = 1_000_000
FLAT = [Counts(6, 1)] * RULE.baseline_windows


def test_windows_are_the_last_complete_minutes_and_the_windows_before_them():
    series = {END - 1: Counts(3, 1), END - 5: Counts(2, 0), END - 6: Counts(7, 7), END: Counts(100, 100)}

    current, baseline = split_windows(series, END, RULE)

    assert current == Counts(5, 1)
    assert baseline[0] == Counts(7, 7)
    assert baseline[1:] == [Counts(0, 0)] * (RULE.baseline_windows - 1)


def test_a_burst_far_above_the_baseline_is_a_volume_spike_that_explains_itself():
    decision = volume_decision(Counts(40, 2), FLAT)

    assert decision.is_spike
    assert (decision.kind, decision.observed, decision.expected) == (VOLUME, 40.0, 6.0)
    assert round(decision.score, 2) == 13.88  # (40 - 6) / sqrt(6)
    assert (decision.threshold, decision.window_minutes, decision.baseline_minutes) == (4.0, 5, 60)
    assert decision.explanation == (
        "40 posts in 5 min against 6.0 expected from the previous 60 min: score 13.9, threshold 4"
    )


def test_one_to_three_posts_is_no_spike():
    decision = volume_decision(Counts(3, 0), [Counts(1, 0)] * RULE.baseline_windows)

    assert not decision.is_spike
    assert not decision.lasts
    assert decision.explanation == "3 posts in 5 min: fewer than the 10 a spike needs"


def test_a_topic_that_was_silent_spikes_when_it_reaches_the_minimum():
    silent = [Counts()] * RULE.baseline_windows

    assert not volume_decision(Counts(9, 0), silent).is_spike
    assert volume_decision(Counts(10, 0), silent).is_spike


def test_a_small_rise_of_a_huge_topic_is_no_spike_however_significant():
    huge = [Counts(1000, 0)] * RULE.baseline_windows

    decision = volume_decision(Counts(1400, 0), huge)

    assert decision.score > RULE.volume_score
    assert not decision.is_spike
    assert decision.explanation.endswith(", but less than 1.5 times the expected volume")


def test_a_bursty_baseline_needs_a_bigger_burst():
    bursty = [Counts(0, 0), Counts(12, 0)] * (RULE.baseline_windows // 2)

    assert not volume_decision(Counts(25, 0), bursty).is_spike
    assert volume_decision(Counts(25, 0), FLAT).is_spike


def test_an_open_volume_alert_lasts_while_the_score_stays_above_half_the_threshold():
    falling = volume_decision(Counts(12, 0), FLAT)
    ended = volume_decision(Counts(10, 0), FLAT)

    assert (falling.is_spike, falling.lasts) == (False, True)
    assert (ended.is_spike, ended.lasts) == (False, False)


def test_a_negative_share_far_above_the_baseline_is_a_negative_spike():
    decision = negative_share_decision(Counts(20, 14), [Counts(10, 2)] * RULE.baseline_windows)

    assert decision.is_spike
    assert (decision.kind, decision.observed, decision.expected) == (NEGATIVE, 0.7, 0.2)
    # pooled share 38/140; (0.7 - 0.2) / sqrt(p(1 - p)(1/20 + 1/120)) = 4.655
    assert round(decision.score, 2) == 4.66
    assert decision.explanation == (
        "70% negative of 20 posts in 5 min against 20% of 120 in the previous 60 min: score 4.7, threshold 3"
    )


def test_a_negative_share_needs_enough_posts_in_the_window_and_the_baseline():
    few_now = negative_share_decision(Counts(9, 9), [Counts(10, 0)] * RULE.baseline_windows)
    few_before = negative_share_decision(Counts(30, 30), [Counts(1, 0)] * 19)

    assert not few_now.is_spike
    assert not few_before.is_spike
    assert few_now.explanation == (
        "9 negative of 9 posts in 5 min and 120 posts in the previous 60 min: too few to judge "
        "(a share needs 10 posts, 5 negative, a baseline of 20)"
    )


def test_a_significant_but_small_lift_of_the_negative_share_is_no_spike():
    decision = negative_share_decision(Counts(4000, 1400), [Counts(4000, 1000)] * RULE.baseline_windows)

    assert decision.score > RULE.share_score
    assert not decision.is_spike
    assert decision.explanation.endswith(", but less than 15 points above the baseline")


def test_decide_gives_both_kinds_for_one_topic():
    series = {END - 1 - minute: Counts(2, 0) for minute in range(RULE.lookback_minutes)}

    volume, negative = decide(*split_windows(series, END, RULE), RULE)

    assert (volume.kind, volume.observed, volume.expected, volume.is_spike) == (VOLUME, 10.0, 10.0, False)
    assert (negative.kind, negative.observed, negative.is_spike) == (NEGATIVE, 0.0, False)


counts = st.integers(min_value=0, max_value=500)
windows = st.builds(lambda posts, share: Counts(posts, posts * share // 100), counts, st.integers(0, 100))
baselines = st.lists(windows, min_size=RULE.baseline_windows, max_size=RULE.baseline_windows)


@given(current=windows, baseline=baselines, more=st.integers(min_value=1, max_value=1000))
def test_more_posts_in_the_window_never_remove_a_volume_spike(current, baseline, more):
    before = volume_decision(current, baseline)
    after = volume_decision(Counts(current.posts + more, current.negative), baseline)

    assert after.score > before.score
    assert after.is_spike or not before.is_spike
    assert after.lasts or not before.lasts


@given(minute=windows)
def test_a_flat_series_never_alerts(minute):
    series = {END - 1 - offset: minute for offset in range(RULE.lookback_minutes)}

    volume, negative = decide(*split_windows(series, END, RULE), RULE)

    assert (volume.is_spike, volume.lasts) == (False, False)
    assert (negative.is_spike, negative.lasts) == (False, False)


@given(current=windows, baseline=baselines, factor=st.integers(min_value=1, max_value=50))
def test_scaling_every_count_keeps_a_negative_share_spike_and_its_shares(current, baseline, factor):
    scaled_current = Counts(current.posts * factor, current.negative * factor)
    scaled_baseline = [Counts(w.posts * factor, w.negative * factor) for w in baseline]

    before = negative_share_decision(current, baseline)
    after = negative_share_decision(scaled_current, scaled_baseline)

    assert (after.observed, after.expected) == (before.observed, before.expected)
    assert after.is_spike or not before.is_spike


@given(current=windows, baseline=baselines)
def test_a_share_at_or_below_the_baseline_never_alerts(current, baseline):
    decision = negative_share_decision(current, baseline)

    if decision.observed <= decision.expected:
        assert not decision.is_spike
        assert not decision.lasts
