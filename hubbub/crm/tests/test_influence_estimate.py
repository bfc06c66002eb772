"""The first influence estimate: 1 to 10 on a log scale of followers, none for objectors."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubbub.crm.influence_estimate import Audience, InfluenceEstimate, estimate_influence


def score(*followers):
    audiences = [Audience("twitter", f"h{n}", count) for n, count in enumerate(followers)]
    estimate = estimate_influence(audiences, objects_to_profiling=False)
    assert estimate is not None
    return estimate.score


def test_scores_grow_with_the_log_of_the_reach():
    assert [score(n) for n in (0, 9, 100, 1_000, 10_000, 100_000, 1_000_000, 10**9)] == [
        1,
        2,
        4,
        5,
        7,
        8,
        10,
        10,
    ]


def test_the_reach_is_the_sum_over_identities_listed_largest_first():
    estimate = estimate_influence(
        [Audience("mastodon", "dana@social", 500), Audience("twitter", "dana", 9_500)],
        objects_to_profiling=False,
    )

    assert estimate == InfluenceEstimate(
        7, 10_000, (Audience("twitter", "dana", 9_500), Audience("mastodon", "dana@social", 500))
    )


def test_a_customer_without_identities_scores_one():
    assert score() == 1


def test_a_customer_who_objects_to_profiling_gets_no_estimate():
    assert estimate_influence([Audience("twitter", "dana", 10**6)], objects_to_profiling=True) is None


@given(st.lists(st.integers(0, 10**9), max_size=5), st.integers(0, 10**9))
def test_more_followers_never_lower_the_estimate(followers, more):
    assert 1 <= score(*followers) <= score(*followers, more) <= 10
