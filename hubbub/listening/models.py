"""What a brand listens for: topics and the terms and hashtags that signal them."""

from __future__ import annotations

from django.db import models

from hubbub.core.models import Brand


class TopicKind(models.TextChoices):
    BRAND = "brand", "Brand"
    PRODUCT = "product", "Product"
    COMPETITOR = "competitor", "Competitor"
    INDUSTRY = "industry", "Industry"
    SERVICE = "service", "Service issue"


class Topic(models.Model):
    """A cluster of terms about one thing (a product, a competitor, a kind of problem)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=TopicKind.choices, default=TopicKind.PRODUCT)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="listening_topic_unique_name")]

    def __str__(self) -> str:
        return self.name


class TrackedTerm(models.Model):
    """A word, phrase or #hashtag; matched as a whole word, ignoring case and accents."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=100)

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["topic", "term"], name="listening_term_unique")]

    def __str__(self) -> str:
        return self.term
