"""The bulk writer of posts: idempotent on (network, external id), and faithful to what it is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from hubbub.core.models import PostRecord
from hubbub.core.posts import PriorityPart
from hubbub.pipeline.stages import normalise
from hubbub.pipeline.store import drop_stored, stored_keys, write_posts
from hubbub.pipeline.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
# Accents, a symbol, Hebrew, Arabic, an emoji outside the BMP, and the characters SQL quoting is about.
UNICODE_TEXT = (
    "Caf\u00e9 \u2615 \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \U0001f600 "
    "'single' \"double\" \\ %s"
)


def stored_rows():
    return list(PostRecord.objects.order_by("network", "external_id").values())


def test_write_posts_returns_the_number_of_new_rows(brand_a):
    posts = PostFactory.build_batch(3, brand_id=brand_a.id)

    assert write_posts(posts) == 3
    assert sorted(PostRecord.objects.values_list("external_id", flat=True)) == sorted(
        post.external_id for post in posts
    )


def test_writing_the_same_posts_twice_returns_zero_and_changes_nothing(brand_a, time_machine):
    posts = PostFactory.build_batch(3, brand_id=brand_a.id)
    time_machine.move_to(NOW, tick=False)
    write_posts(posts)
    before = stored_rows()

    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert write_posts(posts) == 0

    assert stored_rows() == before
    assert {row["received_at"] for row in before} == {NOW}


def test_writing_a_changed_copy_of_a_stored_post_keeps_the_stored_one(brand_a):
    write_posts([PostFactory(external_id="1", text="original", brand_id=brand_a.id)])

    assert write_posts([PostFactory(external_id="1", text="edited", brand_id=brand_a.id)]) == 0

    assert list(PostRecord.objects.values_list("text", flat=True)) == ["original"]


def test_write_posts_counts_only_the_new_posts_of_a_partly_stored_batch(brand_a):
    first, second, third = PostFactory.build_batch(3, brand_id=brand_a.id)
    write_posts([first, second])

    assert write_posts([second, third]) == 1

    assert PostRecord.objects.count() == 3


def test_write_posts_stores_a_key_repeated_within_one_call_once(brand_a):
    post = PostFactory(external_id="1", brand_id=brand_a.id)

    assert write_posts([post, post]) == 1

    assert PostRecord.objects.count() == 1


def test_write_posts_skips_posts_without_a_brand(brand_a):
    branded = PostFactory(external_id="1", brand_id=brand_a.id)
    unbranded = PostFactory(external_id="2", brand_id=None)

    assert write_posts([branded, unbranded]) == 1

    assert list(PostRecord.objects.values_list("external_id", flat=True)) == ["1"]


def test_write_posts_without_any_brand_touches_no_table(brand_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert write_posts(PostFactory.build_batch(2, brand_id=None)) == 0

    assert PostRecord.objects.count() == 0


def test_write_posts_of_nothing_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert write_posts([]) == 0


def test_the_same_id_on_two_networks_is_stored_as_two_posts(brand_a):
    posts = [
        PostFactory(network="twitter", external_id="42", brand_id=brand_a.id),
        PostFactory(network="mastodon", external_id="42", brand_id=brand_a.id),
    ]

    assert write_posts(posts) == 2

    assert sorted(PostRecord.objects.values_list("network", "external_id")) == [
        ("mastodon", "42"),
        ("twitter", "42"),
    ]


def test_written_values_read_back_the_same_through_the_orm(brand_a, time_machine):
    time_machine.move_to(NOW, tick=False)
    post = PostFactory(
        network="mastodon",
        external_id="109",
        author_id="a-9",
        author_handle="dana",
        author_name="Dana \u00c9lise",
        author_followers=12_345,
        text=UNICODE_TEXT,
        created_at=datetime(2026, 10, 31, 23, 15, 30, 123456, tzinfo=timezone(timedelta(hours=2))),
        in_reply_to_id="108",
        is_inbound=False,
        brand_id=brand_a.id,
        kind="comment",
        thread_id="100",
        account_id=3,
        url="https://mastodon.example/@dana/109",
        source="mastodon.example",
        source_class="rant",
        source_rating=2,
        matched_terms=("battery", "#acmefail"),
        language="en",
        sentiment="negative",
        sentiment_score=-0.8979,
        customer_id=77,
        queue_id=5,
        priority=32,
        priority_parts=(
            PriorityPart("strongly negative", 20),
            PriorityPart("reach of 10,000+ followers", 12),
        ),
    )

    write_posts([post])

    row = PostRecord.objects.get()
    assert (row.brand_id, row.network, row.external_id) == (brand_a.id, "mastodon", "109")
    assert (row.author_id, row.author_handle, row.author_name) == ("a-9", "dana", "Dana \u00c9lise")
    assert row.author_followers == 12_345
    assert row.text == UNICODE_TEXT
    assert row.created_at == datetime(2026, 10, 31, 21, 15, 30, 123456, tzinfo=UTC)
    assert row.received_at == NOW
    assert row.in_reply_to_id == "108"
    assert row.is_inbound is False
    assert (row.kind, row.thread_id, row.account_id) == ("comment", "100", 3)
    assert (row.url, row.source) == ("https://mastodon.example/@dana/109", "mastodon.example")
    assert (row.source_class, row.source_rating) == ("rant", 2)
    assert row.matched_terms == ["battery", "#acmefail"]
    assert (row.language, row.sentiment, row.sentiment_score) == ("en", "negative", -0.8979)
    assert (row.customer_id, row.queue_id, row.priority) == (77, 5, 32)
    assert row.priority_parts == [
        {"label": "strongly negative", "points": 20},
        {"label": "reach of 10,000+ followers", "points": 12},
    ]


def test_default_fields_read_back_as_empty_values(brand_a):
    write_posts([PostFactory(brand_id=brand_a.id)])

    row = PostRecord.objects.get()
    assert row.is_inbound is True
    assert (row.kind, row.thread_id, row.account_id, row.url, row.source) == ("post", "", None, "", "")
    assert (row.matched_terms, row.priority_parts) == ([], [])
    assert (row.customer_id, row.queue_id, row.priority, row.sentiment_score) == (None, None, 0, 0.0)


def test_a_normalised_hostile_post_is_stored_on_every_database(brand_a):
    hostile = PostFactory(
        external_id="x\x00" + "9" * 500,
        author_id="a\x00" + "8" * 500,
        author_followers=10**15,
        text="\x00nul \u202ebidi",
        brand_id=brand_a.id,
    )

    assert write_posts(normalise([hostile])) == 1

    row = PostRecord.objects.get()
    assert (len(row.external_id), len(row.author_id)) == (128, 128)
    assert (row.author_followers, row.text) == (2_147_483_647, "nul bidi")


def test_stored_keys_are_the_keys_already_in_the_table(brand_a):
    write_posts([PostFactory(network="twitter", external_id="1", brand_id=brand_a.id)])

    found = stored_keys([("twitter", "1"), ("twitter", "2"), ("mastodon", "1")])

    assert found == {("twitter", "1")}


def test_stored_keys_finds_more_keys_than_one_query_may_bind(brand_a):
    posts = [PostFactory(external_id=str(n), brand_id=brand_a.id) for n in range(2_000)]
    write_posts(posts)

    assert stored_keys(post.key for post in posts) == {post.key for post in posts}


def test_drop_stored_skips_posts_stored_by_an_earlier_run_and_keeps_order(brand_a):
    stored = PostFactory(external_id="2", brand_id=brand_a.id)
    write_posts([stored])
    fresh = [PostFactory(external_id="3"), PostFactory(external_id="1")]

    assert drop_stored([fresh[0], stored, fresh[1]]) == fresh


def test_drop_stored_keeps_a_batch_with_nothing_stored_whole(brand_a):
    posts = PostFactory.build_batch(3)

    assert drop_stored(posts) == posts


def test_drop_stored_of_an_empty_batch_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert drop_stored([]) == []
