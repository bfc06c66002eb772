"""Queues, which topics and source classes flow into them, and who works them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from hubbub.core.models import Brand
from hubbub.listening.models import SourceClass, Topic


def validate_source_classes(value: object) -> None:
    """A list of source class values, each once."""
    if not isinstance(value, list) or not all(item in SourceClass.values for item in value):
        raise ValidationError("Choose source classes from the list.")
    if len(set(value)) != len(value):
        raise ValidationError("Name each source class once.")


class Queue(models.Model):
    """A queue of a brand's posts.

    A post from a classed source (a rant site, say) goes to the first queue, by position, that takes its
    class; any other post to the first queue sharing one of its topics; the rest to the default queue.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="queues")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0, help_text="Lower positions are tried first.")
    is_default = models.BooleanField(default=False, help_text="Receives the posts no other queue takes.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="queues")
    source_classes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_source_classes],
        help_text="Posts from sources of these classes come here first, whatever their topics.",
    )
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
