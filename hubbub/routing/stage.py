"""Pipeline stage: each post's priority, and the queue it goes to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from hubbub.core.posts import Post, evolve
from hubbub.pipeline.snapshots import Snapshot
from hubbub.routing.models import Queue
from hubbub.routing.priority import prioritise


@dataclass(frozen=True, slots=True)
class QueueRule:
    """A queue, the topics it takes, and the source classes it takes before any topic."""

    queue_id: int
    topic_ids: frozenset[int]
    source_classes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """Per brand: queue rules in the order they are tried, and the default queue."""

    rules: dict[int, tuple[QueueRule, ...]]
    defaults: dict[int, int]


def load_routing_config() -> RoutingConfig:
    """Read the queues, their topics and their source classes from the database."""
    topics: dict[int, set[int]] = defaultdict(set)
    for queue_id, topic_id in Queue.topics.through.objects.values_list("queue_id", "topic_id"):
        topics[queue_id].add(topic_id)
    rules: dict[int, list[QueueRule]] = defaultdict(list)
    defaults: dict[int, int] = {}
    rows = Queue.objects.values_list("id", "brand_id", "is_default", "source_classes")
    for queue_id, brand_id, is_default, classes in rows:
        if is_default:
            defaults[brand_id] = queue_id
        source_classes = frozenset(str(c) for c in classes) if isinstance(classes, list) else frozenset()
        if topics[queue_id] or source_classes:
            rules[brand_id].append(QueueRule(queue_id, frozenset(topics[queue_id]), source_classes))
    return RoutingConfig(rules={brand: tuple(r) for brand, r in rules.items()}, defaults=defaults)


def choose_queue(post: Post, config: RoutingConfig) -> int | None:
    """The first queue taking the post's source class, else the first sharing a topic, else the default.

    The class comes first: a post on a rant site belongs with the people who watch rant sites (PR),
    whatever product or problem it names.
    """
    if post.brand_id is None:
        return None
    rules = config.rules.get(post.brand_id, ())
    if post.source_class:
        for rule in rules:
            if post.source_class in rule.source_classes:
                return rule.queue_id
    for rule in rules:
        if rule.topic_ids & post.topic_ids:
            return rule.queue_id
    return config.defaults.get(post.brand_id)


class Router:
    """Prioritises inbound posts and routes them to queues."""

    def __init__(self, config: Snapshot[RoutingConfig] | None = None) -> None:
        self.config = config or Snapshot(load_routing_config)

    def route(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: priority with its reasons, and queue, for each inbound post."""
        config = self.config.get()
        return [self._routed(post, config) if post.is_inbound else post for post in posts]

    @staticmethod
    def _routed(post: Post, config: RoutingConfig) -> Post:
        priority, parts = prioritise(post)
        return evolve(post, priority=priority, priority_parts=parts, queue_id=choose_queue(post, config))
