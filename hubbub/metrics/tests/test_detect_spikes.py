"""A detection pass: one open alert per topic and kind, updated while the anomaly lasts, then closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from hubbub.listening.tests.factories import TopicFactory
from hubbub.metrics.actions import DetectionReport, acknowledge_alert, detect_spikes
from hubbub.metrics.minutes import epoch_minute
from hubbub.metrics.models import AlertKind, SpikeAlert, TopicMinute
from hubbub.metrics.stage import COUNTED_MINUTES
from hubbub.metrics.tests.factories import SpikeAlertFactory, TopicMinuteFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 8, 0, 20, tzinfo=UTC)
END = epoch_minute(NOW)


def baseline(topic, posts=1, negative=0):
    """One post a minute over the hour before the window (12 posts, 0 negative per 5-minute window)."""
    for minute in range(END - 65, END - 5):
        TopicMinuteFactory(
            brand_id=topic.brand_id, topic_id=topic.id, minute=minute, posts=posts, negative=negative
        )


def burst(topic, posts, negative=0, end=END):
    """`posts` posts (and `negative` of them negative) in the minute before `end`."""
    TopicMinute.objects.update_or_create(
        topic_id=topic.id,
        minute=end - 1,
        defaults={"brand_id": topic.brand_id, "posts": posts, "negative": negative},
    )


def open_alerts():
    return list(SpikeAlert.objects.filter(closed_at=None).values_list("topic_id", "kind"))


def test_a_burst_opens_a_volume_alert_that_explains_itself(brand_a):
    battery = TopicFactory(brand=brand_a, name="Battery")
    baseline(battery)
    burst(battery, posts=40)

    report = detect_spikes(NOW)

    assert report == DetectionReport(topics=1, opened=1, updated=0, closed=0, open_now=1)
    alert = SpikeAlert.objects.get()
    assert (alert.brand_id, alert.topic_id, alert.topic_name, alert.kind) == (
        brand_a.id, battery.id, "Battery", AlertKind.VOLUME,
    )  # fmt: skip
    assert (alert.observed, alert.expected, alert.threshold) == (40.0, 5.0, 4.0)
    assert (alert.window_minutes, alert.baseline_minutes) == (5, 60)
    assert (alert.opened_at, alert.last_seen_at, alert.closed_at, alert.acknowledged_at) == (
        NOW,
        NOW,
        None,
        None,
    )
    assert alert.explanation == (
        "40 posts in 5 min against 5.0 expected from the previous 60 min: score 15.7, threshold 4"
    )


def test_a_quiet_topic_opens_nothing(brand_a):
    topic = TopicFactory(brand=brand_a)
    baseline(topic)
    burst(topic, posts=1)

    assert detect_spikes(NOW) == DetectionReport(topics=1, opened=0, updated=0, closed=0, open_now=0)
    assert SpikeAlert.objects.count() == 0


def test_a_negative_wave_opens_a_negative_alert_beside_the_volume_one(brand_a):
    topic = TopicFactory(brand=brand_a)
    baseline(topic)
    burst(topic, posts=40, negative=30)

    detect_spikes(NOW)

    assert sorted(open_alerts()) == [(topic.id, AlertKind.NEGATIVE), (topic.id, AlertKind.VOLUME)]
    negative = SpikeAlert.objects.get(kind=AlertKind.NEGATIVE)
    assert (negative.observed, negative.expected) == (0.75, 0.0)


def test_a_lasting_spike_updates_its_one_alert(brand_a):
    topic = TopicFactory(brand=brand_a)
    baseline(topic)
    burst(topic, posts=40)
    detect_spikes(NOW)

    later = NOW + timedelta(seconds=30)
    burst(topic, posts=60)
    report = detect_spikes(later)

    assert report == DetectionReport(topics=1, opened=0, updated=1, closed=0, open_now=1)
    alert = SpikeAlert.objects.get()
    assert (alert.observed, alert.opened_at, alert.last_seen_at, alert.closed_at) == (60.0, NOW, later, None)


def test_an_alert_closes_when_the_spike_ends_and_a_new_spike_opens_another(brand_a):
    topic = TopicFactory(brand=brand_a)
    baseline(topic)
    burst(topic, posts=40)
    detect_spikes(NOW)

    calm = NOW + timedelta(minutes=6)
    assert detect_spikes(calm).closed == 1
    first = SpikeAlert.objects.get()
    assert (first.closed_at, first.last_seen_at) == (calm, NOW)

    again = calm + timedelta(minutes=1)
    burst(topic, posts=80, end=epoch_minute(again))
    assert detect_spikes(again).opened == 1
    assert SpikeAlert.objects.count() == 2
    assert open_alerts() == [(topic.id, AlertKind.VOLUME)]


def test_the_alert_of_a_deleted_topic_closes(brand_a):
    alert = SpikeAlertFactory(topic=TopicFactory(brand=brand_a))
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=alert.topic_id, minute=END - 1, posts=500)
    alert.brand.topics.all().delete()

    report = detect_spikes(NOW)

    assert report.closed == 1
    alert.refresh_from_db()
    assert alert.closed_at == NOW


def test_counters_older_than_the_counting_horizon_are_pruned(brand_a):
    topic = TopicFactory(brand=brand_a)
    TopicMinuteFactory(brand_id=brand_a.id, topic_id=topic.id, minute=END - COUNTED_MINUTES - 1)
    kept = TopicMinuteFactory(brand_id=brand_a.id, topic_id=topic.id, minute=END - COUNTED_MINUTES)

    detect_spikes(NOW)

    assert list(TopicMinute.objects.values_list("id", flat=True)) == [kept.id]


def test_a_pass_reads_in_a_fixed_number_of_queries(brand_a, django_assert_num_queries):
    for _ in range(20):
        topic = TopicFactory(brand=brand_a)
        baseline(topic)
        burst(topic, posts=40)
    SpikeAlertFactory(topic=TopicFactory(brand=brand_a))

    # savepoint, series, topics, open alerts, close, create, prune, release; PostgreSQL also takes the
    # advisory lock that serialises passes of several processes.
    with django_assert_num_queries(9 if connection.vendor == "postgresql" else 8):
        report = detect_spikes(NOW)

    assert (report.opened, report.closed) == (20, 1)


def test_acknowledging_marks_the_alert_once(brand_a, bob):
    alert = SpikeAlertFactory(topic=TopicFactory(brand=brand_a))

    assert acknowledge_alert(alert, bob, NOW) is True
    assert acknowledge_alert(alert, bob, NOW + timedelta(minutes=1)) is False

    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at) == (bob, NOW)


def test_a_closed_alert_cannot_be_acknowledged(brand_a, bob):
    alert = SpikeAlertFactory(topic=TopicFactory(brand=brand_a), closed_at=NOW)

    assert acknowledge_alert(alert, bob, NOW) is False

    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at) == (None, None)
