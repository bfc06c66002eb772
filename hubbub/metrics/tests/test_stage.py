"""The counting stage: inbound posts of a brand per topic and minute, one upsert per batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubbub.core.posts import Post
from hubbub.metrics.minutes import epoch_minute
from hubbub.metrics.models import TopicMinute
from hubbub.metrics.stage import COUNTED_MINUTES, count_topic_posts
from hubbub.pipeline.runner import Pipeline
from hubbub.pipeline.store import write_posts
from hubbub.pipeline.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 8, 0, 30, tzinfo=UTC)
MINUTE = epoch_minute(NOW)


def a_post(**fields) -> Post:
    defaults = {"brand_id": 1, "topic_ids": frozenset({10}), "created_at": NOW, "sentiment": "neutral"}
    post: Post = PostFactory(**{**defaults, **fields})
    return post


def counters():
    return sorted(TopicMinute.objects.values_list("brand_id", "topic_id", "minute", "posts", "negative"))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_posts_count_per_topic_and_minute_with_their_negative_ones():
    batch = [
        a_post(sentiment="negative"),
        a_post(topic_ids=frozenset({10, 11})),
        a_post(created_at=NOW - timedelta(minutes=1), sentiment="negative"),
    ]

    assert count_topic_posts(batch) == batch

    assert counters() == [
        (1, 10, MINUTE - 1, 1, 1),
        (1, 10, MINUTE, 2, 1),
        (1, 11, MINUTE, 1, 0),
    ]


def test_a_second_batch_adds_to_the_same_minute(django_assert_num_queries):
    count_topic_posts([a_post(), a_post(sentiment="negative")])

    with django_assert_num_queries(1):
        count_topic_posts([a_post(sentiment="negative"), a_post(topic_ids=frozenset({12}))])

    assert counters() == [(1, 10, MINUTE, 3, 2), (1, 12, MINUTE, 1, 0)]


def test_posts_without_brand_or_topic_and_the_brands_own_posts_are_not_counted(django_assert_num_queries):
    batch = [a_post(brand_id=None), a_post(topic_ids=frozenset()), a_post(is_inbound=False)]

    with django_assert_num_queries(0):
        count_topic_posts(batch)

    assert counters() == []


def test_a_post_from_the_future_counts_now_and_an_archived_one_not_at_all():
    count_topic_posts(
        [
            a_post(created_at=NOW + timedelta(days=3)),
            a_post(created_at=NOW - timedelta(minutes=COUNTED_MINUTES + 1)),
            a_post(created_at=NOW - timedelta(minutes=COUNTED_MINUTES)),
        ]
    )

    assert counters() == [(1, 10, MINUTE - COUNTED_MINUTES, 1, 0), (1, 10, MINUTE, 1, 0)]


def test_a_naive_timestamp_is_taken_as_utc():
    count_topic_posts([a_post(created_at=NOW.replace(tzinfo=None) - timedelta(minutes=2))])

    assert counters() == [(1, 10, MINUTE - 2, 1, 0)]


def test_a_batch_that_fails_after_counting_leaves_no_counts(brand_a):
    def explode(posts):
        raise RuntimeError("the writer failed")

    with pytest.raises(RuntimeError):
        Pipeline([count_topic_posts], explode).process([a_post(brand_id=brand_a.id)])

    assert counters() == []


def test_in_a_pipeline_the_counts_commit_with_the_posts(brand_a):
    result = Pipeline([count_topic_posts], write_posts).process([a_post(brand_id=brand_a.id)])

    assert result.stored == 1
    assert counters() == [(brand_a.id, 10, MINUTE, 1, 0)]
