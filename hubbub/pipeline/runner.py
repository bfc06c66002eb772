"""Runs micro-batches of posts through the stages and stores them, one transaction per batch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from hubbub.core.posts import Post
from hubbub.pipeline.stages import Stage

logger = logging.getLogger(__name__)

Writer = Callable[[Sequence[Post]], int]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What happened to one batch: posts offered, new posts stored, posts about no known brand."""

    received: int
    stored: int
    unassigned: int = 0

    @property
    def already_stored(self) -> int:
        return self.received - self.stored - self.unassigned


class Pipeline:
    """Stages applied in order to each batch, then the writer, all in one transaction.

    A batch is stored whole or not at all, so a crash mid-batch leaves nothing half-written, and
    the writer's idempotency on (network, external id) makes a redelivered batch a no-op.
    """

    def __init__(self, stages: Sequence[Stage], writer: Writer) -> None:
        self.stages = tuple(stages)
        self.writer = writer

    def process(self, posts: list[Post]) -> BatchResult:
        """Run one micro-batch through every stage and store it."""
        received = len(posts)
        with transaction.atomic():
            for stage in self.stages:
                posts = stage(posts)
                if not posts:
                    return BatchResult(received=received, stored=0)
            unassigned = sum(1 for post in posts if post.brand_id is None)
            stored = self.writer(posts)
        return BatchResult(received=received, stored=stored, unassigned=unassigned)
