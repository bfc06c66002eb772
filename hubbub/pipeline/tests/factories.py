"""Posts as they arrive from a connector, before any stage has looked at them."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from hubbub.core.networks import Network
from hubbub.core.posts import Post


class PostFactory(factory.Factory):
    class Meta:
        model = Post

    network = Network.TWITTER.value
    external_id = factory.Sequence(lambda n: f"tw-{n}")
    author_id = factory.Sequence(lambda n: f"author-{n}")
    author_handle = factory.LazyAttribute(lambda post: f"fan_{post.author_id}")
    author_name = "Dana Customer"
    text = "My phone stopped charging after the update."
    created_at = factory.LazyFunction(lambda: datetime(2026, 11, 1, 9, 30, tzinfo=UTC))
