"""Factories for topic counters and spike alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from hubbub.listening.tests.factories import TopicFactory
from hubbub.metrics.models import AlertKind, SpikeAlert, TopicMinute


class TopicMinuteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicMinute

    brand_id = 0
    topic_id = 0
    minute = 0
    posts = 1
    negative = 0


class SpikeAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpikeAlert
        exclude = ("topic",)

    topic = factory.SubFactory(TopicFactory)
    brand = factory.LazyAttribute(lambda alert: alert.topic.brand)
    topic_id = factory.LazyAttribute(lambda alert: alert.topic.id)
    topic_name = factory.LazyAttribute(lambda alert: alert.topic.name)
    kind = AlertKind.VOLUME
    window_minutes = 5
    baseline_minutes = 60
    observed = 40.0
    expected = 6.0
    score = 13.9
    threshold = 4.0
    explanation = "40 posts in 5 min against 6.0 expected from the previous 60 min: score 13.9, threshold 4"
    opened_at = factory.LazyFunction(lambda: datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    last_seen_at = factory.LazyAttribute(lambda alert: alert.opened_at)
