"""Queues, which topics flow into them, and who works them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hubbub.core.models import Brand
from hubbub.listening.models import Topic


class Queue(models.Model):
    """A queue of a brand's posts. A post goes to the first queue (by position) sharing one of its topics."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="queues")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0, help_text="Lower positions are tried first.")
    is_default = models.BooleanField(default=False, help_text="Receives the posts no other queue takes.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="queues")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="queues")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="routing_queue_unique_name"),
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(is_default=True), name="routing_one_default_queue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand}: {self.name}"
