"""The loop guard on the way in: our own accounts' posts and the echoes of sent messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubbub.channels.models import Outbound
from hubbub.channels.stage import OwnPosts
from hubbub.channels.tests.toy_network import TOY, connect_toy_account
from hubbub.core.models import Brand
from hubbub.core.posts import Post

pytestmark = pytest.mark.django_db


def _post(external_id: str, author_id: str = "dana", handle: str = "dana", network: str = TOY) -> Post:
    return Post(
        network=network,
        external_id=external_id,
        author_id=author_id,
        author_handle=handle,
        text="hello",
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        queue_id=7,
    )


def test_posts_of_our_own_accounts_and_echoes_of_sent_messages_are_outbound(brand_a: Brand) -> None:
    channel = connect_toy_account(brand_a, "AcmeCare")
    Outbound.objects.create(key="k", channel=channel, kind="reply", text="Hi", external_id="sent-1")
    posts = [
        _post("p1"),
        _post("p2", author_id="id-AcmeCare", handle=""),
        _post("p3", author_id="", handle="acmecare"),
        _post("sent-1"),
        _post("p5", author_id="id-AcmeCare", network="mastodon"),
    ]

    marked = OwnPosts().mark_own_posts(posts)

    assert [(post.external_id, post.is_inbound, post.queue_id) for post in marked] == [
        ("p1", True, 7),
        ("p2", False, None),
        ("p3", False, None),
        ("sent-1", False, None),
        ("p5", True, 7),
    ]


def test_the_stage_reads_accounts_once_per_snapshot_and_sent_ids_once_per_batch(
    brand_a: Brand, django_assert_num_queries: object
) -> None:
    connect_toy_account(brand_a, "acmecare")
    stage = OwnPosts()
    stage.mark_own_posts([_post("warm")])

    with django_assert_num_queries(1):  # type: ignore[operator]
        stage.mark_own_posts([_post(f"p{n}") for n in range(50)])
