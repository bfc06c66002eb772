"""The interaction timeline: posts and interactions of a merge group, newest first, keyset-paginated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubbub.core.models import Brand, PostRecord
from hubbub.core.networks import Network
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.models import Customer, Interaction, InteractionKind
from hubbub.crm.queries.timeline import Cursor, TimelineEntry, timeline
from hubbub.crm.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _post(customer: Customer, at: datetime, **fields: object) -> PostRecord:
    post: PostRecord = PostRecordFactory(
        brand=customer.brand, customer_id=customer.id, created_at=at, **fields
    )
    return post


def _interaction(customer: Customer, at: datetime, **fields: object) -> Interaction:
    values: dict[str, object] = {"kind": InteractionKind.CALL, "channel": Network.PHONE, "summary": "Call"}
    return Interaction.objects.create(customer=customer, occurred_at=at, **{**values, **fields})


def _keys(entries: tuple[TimelineEntry, ...] | list[TimelineEntry]) -> list[tuple[str, int]]:
    return [(entry.kind, entry.id) for entry in entries]


def _all_pages(customer_id: int, limit: int, channel: str | None = None) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    before = None
    while True:
        page = timeline(customer_id, channel=channel, before=before, limit=limit)
        entries.extend(page.entries)
        if page.next_cursor is None:
            return entries
        before = page.next_cursor


def test_the_timeline_merges_posts_and_interactions_newest_first(brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    old_post = _post(customer, NOON - timedelta(days=2), text="Battery dead")
    call = _interaction(customer, NOON - timedelta(days=1), summary="Called about the battery")
    new_post = _post(customer, NOON, network=Network.MASTODON)

    page = timeline(customer.id)

    assert _keys(page.entries) == [("post", new_post.id), ("interaction", call.id), ("post", old_post.id)]
    assert page.next_cursor is None
    assert [entry.label for entry in page.entries] == ["Post", "Call", "Post"]
    assert page.entries[1].channel_label == "Phone"
    assert page.entries[1].summary == "Called about the battery"
    assert page.entries[0].post_id == new_post.id
    assert page.entries[1].post_id is None


def test_pages_have_no_gaps_and_no_duplicates_even_when_timestamps_tie(brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    expected = []
    for minute in range(4):
        at = NOON - timedelta(minutes=minute)
        # Three posts and two interactions share each timestamp.
        expected += [("post", _post(customer, at).id) for _ in range(3)]
        expected += [("interaction", _interaction(customer, at).id) for _ in range(2)]

    for limit in (1, 2, 3, 7, 20, 50):
        entries = _all_pages(customer.id, limit)
        assert len(entries) == 20
        assert len(set(_keys(entries))) == 20
        assert [entry.cursor for entry in entries] == sorted(
            (entry.cursor for entry in entries), reverse=True
        )
        assert set(_keys(entries)) == set(expected)


def test_the_next_cursor_is_the_last_entry_of_a_full_page(brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    posts = [_post(customer, NOON - timedelta(hours=hour)) for hour in range(3)]

    first = timeline(customer.id, limit=2)
    second = timeline(customer.id, limit=2, before=first.next_cursor)

    assert _keys(first.entries) == [("post", posts[0].id), ("post", posts[1].id)]
    assert first.next_cursor == Cursor(posts[1].created_at, "post", posts[1].id)
    assert _keys(second.entries) == [("post", posts[2].id)]
    assert second.next_cursor is None


def test_the_channel_filter_keeps_one_network(brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    _post(customer, NOON, network=Network.TWITTER)
    on_mastodon = _post(customer, NOON, network=Network.MASTODON)
    call = _interaction(customer, NOON, channel=Network.PHONE)
    chat = _interaction(
        customer, NOON - timedelta(hours=1), kind=InteractionKind.CHAT, channel=Network.MASTODON
    )

    assert _keys(timeline(customer.id, channel="mastodon").entries) == [
        ("post", on_mastodon.id),
        ("interaction", chat.id),
    ]
    assert _keys(timeline(customer.id, channel="phone").entries) == [("interaction", call.id)]
    assert timeline(customer.id, channel="<script>").entries == ()


def test_a_merged_customers_posts_and_interactions_show_on_the_survivors_timeline(brand_a: Brand) -> None:
    survivor = CustomerFactory(brand=brand_a)
    merged = CustomerFactory(brand=brand_a, merged_into=survivor)
    stranger = CustomerFactory(brand=brand_a)
    mine = _post(survivor, NOON)
    theirs = _post(merged, NOON - timedelta(hours=1))
    their_call = _interaction(merged, NOON - timedelta(hours=2))
    _post(stranger, NOON)

    assert _keys(timeline(survivor.id).entries) == [
        ("post", mine.id),
        ("post", theirs.id),
        ("interaction", their_call.id),
    ]


def test_posts_of_another_brand_never_reach_the_timeline(brand_a: Brand, brand_b: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    PostRecordFactory(brand=brand_b, customer_id=customer.id, created_at=NOON)

    assert timeline(customer.id).entries == ()


@pytest.mark.parametrize("count", [1, 500])
def test_a_timeline_page_costs_two_queries_however_long_the_history(brand_a: Brand, count: int) -> None:
    customer = CustomerFactory(brand=brand_a)
    PostRecord.objects.bulk_create(
        PostRecordFactory.build(
            brand=brand_a,
            customer_id=customer.id,
            external_id=f"p-{n}",
            created_at=NOON - timedelta(minutes=n),
        )
        for n in range(count)
    )
    Interaction.objects.bulk_create(
        Interaction(customer=customer, kind="call", channel="phone", occurred_at=NOON, summary="Call")
        for _ in range(count)
    )

    with CaptureQueriesContext(connection) as queries:
        page = timeline(customer.id, before=Cursor(NOON + timedelta(days=1), "post", 0))

    assert len(queries) == 2
    assert len(page.entries) == min(50, 2 * count)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "1.post",
        "1.comment.2",
        "-1.post.2",
        "1.post.x",
        "9" * 30 + ".post.1",
        "1.post.1.2",
        "\u0661.post.1",  # an Arabic-Indic digit one: isdigit() but not ASCII
    ],
)
def test_a_malformed_cursor_token_decodes_to_none(token: str) -> None:
    assert Cursor.decode(token) is None


def test_a_cursor_survives_its_token_to_the_microsecond() -> None:
    cursor = Cursor(datetime(2026, 11, 1, 12, 0, 0, 123456, tzinfo=UTC), "interaction", 42)

    assert Cursor.decode(cursor.encode()) == cursor
    assert cursor.encode() == "1793534400123456.interaction.42"
