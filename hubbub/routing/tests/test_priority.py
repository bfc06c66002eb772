"""The priority policy: a sum of named parts an agent can read, at most 100. Pure: no database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbub.core.posts import PriorityPart
from hubbub.pipeline.tests.factories import PostFactory
from hubbub.routing.priority import prioritise, priority_parts


def post(**fields):
    return PostFactory(**{"author_followers": 0, "sentiment": "neutral", "tier": "", **fields})


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("platinum", (30, (PriorityPart("platinum customer", 30),))),
        ("gold", (20, (PriorityPart("gold customer", 20),))),
        ("silver", (10, (PriorityPart("silver customer", 10),))),
        ("bronze", (0, ())),
        ("", (0, ())),
    ],
)
def test_a_customers_tier_adds_its_points(tier, expected):
    assert prioritise(post(tier=tier)) == expected


@pytest.mark.parametrize(
    ("followers", "expected"),
    [
        (0, ()),
        (999, ()),
        (1_000, (PriorityPart("reach of 1,000+ followers", 6),)),
        (9_999, (PriorityPart("reach of 1,000+ followers", 6),)),
        (10_000, (PriorityPart("reach of 10,000+ followers", 12),)),
        (99_999, (PriorityPart("reach of 10,000+ followers", 12),)),
        (100_000, (PriorityPart("reach of 100,000+ followers", 20),)),
        (1_000_000, (PriorityPart("reach of 1,000,000+ followers", 25),)),
        (2_147_483_647, (PriorityPart("reach of 1,000,000+ followers", 25),)),
    ],
)
def test_reach_adds_the_points_of_the_highest_step_reached(followers, expected):
    assert priority_parts(post(author_followers=followers)) == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (-0.06, (12, (PriorityPart("negative", 12),))),
        (-0.49, (12, (PriorityPart("negative", 12),))),
        (-0.5, (20, (PriorityPart("strongly negative", 20),))),
        (-0.99, (20, (PriorityPart("strongly negative", 20),))),
    ],
)
def test_a_negative_post_adds_more_when_strongly_negative(score, expected):
    assert prioritise(post(sentiment="negative", sentiment_score=score)) == expected


@pytest.mark.parametrize("sentiment", ["positive", "neutral", ""])
def test_a_post_that_is_not_negative_adds_nothing_for_sentiment(sentiment):
    assert prioritise(post(sentiment=sentiment, sentiment_score=-0.9)) == (0, ())


def test_a_public_complaint_with_reach_adds_its_own_part():
    assert prioritise(post(sentiment="negative", sentiment_score=-0.3, author_followers=10_000)) == (
        34,
        (
            PriorityPart("reach of 10,000+ followers", 12),
            PriorityPart("negative", 12),
            PriorityPart("public complaint with reach", 10),
        ),
    )


def test_a_complaint_below_the_risky_reach_is_not_a_public_complaint():
    assert prioritise(post(sentiment="negative", sentiment_score=-0.3, author_followers=9_999)) == (
        18,
        (PriorityPart("reach of 1,000+ followers", 6), PriorityPart("negative", 12)),
    )


def test_a_positive_post_with_reach_is_not_a_complaint():
    assert prioritise(post(sentiment="positive", sentiment_score=0.9, author_followers=50_000)) == (
        12,
        (PriorityPart("reach of 10,000+ followers", 12),),
    )


def test_every_part_together_adds_up_to_85():
    urgent = post(tier="platinum", author_followers=5_000_000, sentiment="negative", sentiment_score=-0.95)

    priority, parts = prioritise(urgent)

    assert priority == 85
    assert [part.label for part in parts] == [
        "platinum customer",
        "reach of 1,000,000+ followers",
        "strongly negative",
        "public complaint with reach",
    ]


@pytest.mark.parametrize(
    ("source_class", "rating", "expected"),
    [
        ("rant", 4, (20, (PriorityPart("from a rant site", 10), PriorityPart("source rated 4 of 5", 10)))),
        ("rant", 1, (10, (PriorityPart("from a rant site", 10),))),
        ("fan", 5, (15, (PriorityPart("source rated 5 of 5", 15),))),
        ("competitor", 3, (5, (PriorityPart("source rated 3 of 5", 5),))),
        ("industry", 2, (0, ())),
        ("", 5, (0, ())),
    ],
)
def test_a_rant_site_and_a_well_rated_source_add_their_points(source_class, rating, expected):
    assert prioritise(post(source_class=source_class, source_rating=rating)) == expected


def test_the_source_parts_come_after_the_author_and_tone():
    parts = priority_parts(post(tier="gold", sentiment="negative", sentiment_score=-0.1, source_class="rant"))

    assert [part.label for part in parts] == ["gold customer", "negative", "from a rant site"]


posts = st.builds(
    post,
    tier=st.sampled_from(["platinum", "gold", "silver", "bronze", "", "unknown"]),
    author_followers=st.integers(min_value=0, max_value=2**31 - 1),
    sentiment=st.sampled_from(["positive", "neutral", "negative", ""]),
    sentiment_score=st.floats(min_value=-1, max_value=1),
    source_class=st.sampled_from(["rant", "fan", "official", "industry", "competitor", "", "unknown"]),
    source_rating=st.integers(min_value=0, max_value=5),
)


@given(posts)
def test_the_priority_is_the_sum_of_its_parts_at_most_100(any_post):
    priority, parts = prioritise(any_post)

    assert priority == min(100, sum(part.points for part in parts))
    assert 0 <= priority <= 100
    assert all(part.points > 0 for part in parts)


@given(posts, st.integers(min_value=0, max_value=2**31 - 1))
def test_more_followers_never_lowers_priority(any_post, more):
    richer = replace(any_post, author_followers=any_post.author_followers + more)

    assert prioritise(richer)[0] >= prioritise(any_post)[0]


@given(posts, st.floats(min_value=-1, max_value=-0.05))
def test_a_negative_post_never_scores_lower_than_the_same_post_neutral(any_post, score):
    neutral = replace(any_post, sentiment="neutral", sentiment_score=0.0)
    negative = replace(any_post, sentiment="negative", sentiment_score=score)

    assert prioritise(negative)[0] > prioritise(neutral)[0]


@given(posts, st.integers(min_value=1, max_value=5))
def test_a_higher_source_rating_never_lowers_priority(any_post, rating):
    lower = replace(any_post, source_rating=min(rating, any_post.source_rating))
    higher = replace(any_post, source_rating=max(rating, any_post.source_rating))

    assert prioritise(higher)[0] >= prioritise(lower)[0]
