"""Per-minute topic counters written on the hot path, and the spike alerts detected from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hubbub.core.models import Brand


class TopicMinute(models.Model):
    """How many inbound posts, and how many negative ones, mentioned a topic in one minute.

    Written by the pipeline with one bulk upsert per batch (`metrics.stage`). `minute` counts
    minutes since the Unix epoch in UTC: integer arithmetic for windows, no datetime parsing per
    row. Brand and topic are plain integers, not foreign keys, like `core.PostRecord`'s queue: the
    hot path writes from a configuration snapshot that may be seconds old, and a topic deleted in
    those seconds must not fail the whole batch. Readers join on the topics that still exist.
    """

    brand_id = models.BigIntegerField()
    topic_id = models.BigIntegerField()
    minute = models.BigIntegerField(help_text="Minutes since 1970-01-01 00:00 UTC.")
    posts = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the detection's range scan by minute, and the upsert's conflict target.
            models.UniqueConstraint(fields=["minute", "topic_id"], name="metrics_topicminute_unique"),
        ]
        indexes = [models.Index(fields=["brand_id", "minute"], name="metrics_topicminute_brand_idx")]

    def __str__(self) -> str:
        return f"topic {self.topic_id} at minute {self.minute}: {self.posts} ({self.negative} negative)"


class AlertKind(models.TextChoices):
    VOLUME = "volume", "Volume spike"
    NEGATIVE = "negative", "Negative share spike"


class SpikeAlert(models.Model):
    """An anomaly of one topic: opened when detected, updated while it lasts, closed when it ends."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="spike_alerts")
    # The topic's id and its name when the alert opened: the alert outlives a renamed or deleted topic.
    topic_id = models.BigIntegerField()
    topic_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    window_minutes = models.PositiveSmallIntegerField()
    baseline_minutes = models.PositiveSmallIntegerField()
    # Volume: posts in the window. Negative share: the negative share of the window (0-1).
    observed = models.FloatField()
    expected = models.FloatField()
    score = models.FloatField()
    threshold = models.FloatField()
    explanation = models.CharField(max_length=300)
    opened_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic_id", "kind"],
                condition=models.Q(closed_at=None),
                name="metrics_spikealert_one_open_per_topic_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "closed_at", "opened_at"], name="metrics_alert_brand_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.topic_name}"
