"""The routing stage: the first queue by position that shares a topic, else the brand's default queue."""

from __future__ import annotations

import pytest

from hubbub.core.posts import Post, PriorityPart
from hubbub.listening.tests.factories import TopicFactory
from hubbub.pipeline.tests.factories import PostFactory
from hubbub.routing.stage import QueueRule, Router, RoutingConfig, choose_queue, load_routing_config
from hubbub.routing.tests.factories import QueueFactory

CONFIG = RoutingConfig(
    rules={
        1: (
            QueueRule(queue_id=10, topic_ids=frozenset({100, 101})),
            QueueRule(queue_id=11, topic_ids=frozenset({101, 102})),
        ),
        2: (QueueRule(queue_id=20, topic_ids=frozenset({200})),),
    },
    defaults={1: 19, 2: 29},
)


@pytest.mark.parametrize(
    ("brand_id", "topic_ids", "queue_id"),
    [
        (1, {100}, 10),
        (1, {101}, 10),
        (1, {102}, 11),
        (1, {102, 100}, 10),
        (1, {999}, 19),
        (1, set(), 19),
        (2, {200}, 20),
        (2, {100}, 29),
    ],
)
def test_choose_queue_takes_the_first_rule_sharing_a_topic_else_the_default(brand_id, topic_ids, queue_id):
    post = PostFactory(brand_id=brand_id, topic_ids=frozenset(topic_ids))

    assert choose_queue(post, CONFIG) == queue_id


CLASSED = RoutingConfig(
    rules={
        1: (
            QueueRule(queue_id=10, topic_ids=frozenset({100})),
            QueueRule(queue_id=11, topic_ids=frozenset(), source_classes=frozenset({"rant"})),
            QueueRule(queue_id=12, topic_ids=frozenset({101}), source_classes=frozenset({"rant", "fan"})),
        ),
    },
    defaults={1: 19},
)


@pytest.mark.parametrize(
    ("source_class", "topic_ids", "queue_id"),
    [
        ("rant", {100}, 11),
        ("rant", set(), 11),
        ("fan", {100}, 12),
        ("fan", set(), 12),
        ("competitor", {100}, 10),
        ("competitor", set(), 19),
        ("", {101}, 12),
        ("", {100}, 10),
    ],
)
def test_choose_queue_takes_the_first_queue_of_the_source_class_before_any_topic(
    source_class, topic_ids, queue_id
):
    post = PostFactory(brand_id=1, topic_ids=frozenset(topic_ids), source_class=source_class)

    assert choose_queue(post, CLASSED) == queue_id


def test_choose_queue_gives_no_queue_to_a_post_without_a_brand():
    assert choose_queue(PostFactory(brand_id=None, topic_ids=frozenset({100})), CONFIG) is None


def test_choose_queue_gives_no_queue_when_the_brand_has_no_default_and_no_rule_matches():
    assert choose_queue(PostFactory(brand_id=3, topic_ids=frozenset({100})), CONFIG) is None


def test_the_loaded_configuration_tries_queues_by_position(brand_a, queue_a):
    battery = TopicFactory(brand=brand_a, name="Battery")
    billing = TopicFactory(brand=brand_a, name="Billing")
    later = QueueFactory(brand=brand_a, name="A later queue", position=5, topics=[battery])
    first = QueueFactory(brand=brand_a, name="Z first queue", position=1, topics=[battery, billing])

    config = load_routing_config()

    assert config.rules == {
        brand_a.id: (
            QueueRule(first.id, frozenset({battery.id, billing.id})),
            QueueRule(later.id, frozenset({battery.id})),
        )
    }
    assert config.defaults == {brand_a.id: queue_a.id}


def test_queues_without_topics_are_not_rules(brand_a, brand_b, queue_a, queue_b):
    QueueFactory(brand=brand_a, name="Empty", position=0)

    assert load_routing_config() == RoutingConfig(
        rules={}, defaults={brand_a.id: queue_a.id, brand_b.id: queue_b.id}
    )


def test_queues_of_source_classes_are_rules_even_without_topics(brand_a, queue_a):
    rants = QueueFactory(brand=brand_a, name="Rant sites", position=3, source_classes=["rant"])

    assert load_routing_config().rules == {
        brand_a.id: (QueueRule(rants.id, frozenset(), frozenset({"rant"})),)
    }


def test_a_rant_site_post_lands_in_the_rant_queue_with_the_reasons_in_its_parts(brand_a, queue_a):
    battery = TopicFactory(brand=brand_a, name="Battery")
    QueueFactory(brand=brand_a, name="Batteries", position=0, topics=[battery])
    rants = QueueFactory(brand=brand_a, name="Rant sites", position=5, source_classes=["rant"])
    post = PostFactory(
        brand_id=brand_a.id, topic_ids=frozenset({battery.id}), source_class="rant", source_rating=4
    )

    [routed] = Router().route([post])

    assert (routed.queue_id, routed.priority) == (rants.id, 20)
    assert routed.priority_parts == (
        PriorityPart("from a rant site", 10),
        PriorityPart("source rated 4 of 5", 10),
    )


def test_route_prioritises_inbound_posts_and_sends_them_to_a_queue(brand_a, queue_a):
    battery = TopicFactory(brand=brand_a, name="Battery")
    batteries = QueueFactory(brand=brand_a, name="Batteries", topics=[battery])
    posts: list[Post] = [
        PostFactory(brand_id=brand_a.id, topic_ids=frozenset({battery.id}), tier="gold"),
        PostFactory(brand_id=brand_a.id, sentiment="negative", sentiment_score=-0.2),
    ]

    routed = Router().route(posts)

    assert [(post.queue_id, post.priority, post.priority_parts) for post in routed] == [
        (batteries.id, 20, (PriorityPart("gold customer", 20),)),
        (queue_a.id, 12, (PriorityPart("negative", 12),)),
    ]


def test_route_leaves_outbound_posts_unrouted(brand_a, queue_a):
    reply = PostFactory(brand_id=brand_a.id, is_inbound=False, sentiment="negative", sentiment_score=-0.9)

    assert Router().route([reply]) == [reply]


def test_route_leaves_posts_without_a_brand_without_a_queue(brand_a, queue_a):
    [post] = Router().route([PostFactory(brand_id=None, tier="silver")])

    assert (post.queue_id, post.priority) == (None, 10)


def test_route_reads_the_queues_once_per_snapshot(brand_a, queue_a, django_assert_num_queries):
    router = Router()
    router.route([PostFactory(brand_id=brand_a.id)])

    with django_assert_num_queries(0):
        [post] = router.route([PostFactory(brand_id=brand_a.id)])

    assert post.queue_id == queue_a.id
