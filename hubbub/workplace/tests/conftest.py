"""Posts in the cast's queues, and a second queue of brand A that alice does not work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hubbub.core.models import Brand, PostRecord
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.routing.models import Queue

HOSTILE_TEXT = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'
MakePost = Callable[..., PostRecord]


@pytest.fixture
def make_post() -> MakePost:
    """Store an inbound post routed to `queue`, as the pipeline would."""

    def make(queue: Queue, **fields: Any) -> PostRecord:
        post: PostRecord = PostRecordFactory(brand=queue.brand, queue_id=queue.id, **fields)
        return post

    return make


@pytest.fixture
def billing_a(brand_a: Brand) -> Queue:
    """A queue of brand A that only supervisors see (alice is not a member)."""
    return Queue.objects.create(brand=brand_a, name="Billing", position=1)
