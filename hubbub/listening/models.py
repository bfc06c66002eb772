"""What a brand listens for: topics, the terms that signal them and void them, and classed sources."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hubbub.core.models import Brand
from hubbub.core.networks import Network
from hubbub.listening import sources
from hubbub.listening.rules import (
    MAX_LANGUAGES_CHARS,
    MAX_TERM_CHARS,
    RuleError,
    format_languages,
    parse_languages,
)


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
    languages = models.CharField(
        max_length=MAX_LANGUAGES_CHARS,
        blank=True,
        default="",
        db_default="",
        help_text="ISO 639-1 codes separated by commas (en, es); empty listens to every language.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="listening_topic_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The languages the topic listens to; empty for every language."""
        return tuple(code for code in self.languages.split(",") if code)

    def clean(self) -> None:
        """Store the languages as "en,es", or say which code is wrong."""
        try:
            self.languages = format_languages(parse_languages(self.languages))
        except RuleError as error:
            raise ValidationError({"languages": str(error)}) from None


class TrackedTerm(models.Model):
    """A word, phrase or #hashtag; matched as a whole word, ignoring case and accents."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=MAX_TERM_CHARS)

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["topic", "term"], name="listening_term_unique")]

    def __str__(self) -> str:
        return self.term


class Exclusion(models.Model):
    """A word or phrase that voids its topic's match in a post ("apple pie" for an Apple topic)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="exclusions")
    term = models.CharField(max_length=MAX_TERM_CHARS)

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["topic", "term"], name="listening_exclusion_unique")]

    def __str__(self) -> str:
        return self.term


class SourceClass(models.TextChoices):
    FAN = "fan", "Fan"
    RANT = "rant", "Rant"
    OFFICIAL = "official", "Official"
    INDUSTRY = "industry", "Industry"
    COMPETITOR = "competitor", "Competitor"


class SourceMatch(models.TextChoices):
    SITE = sources.SITE, "Site"
    COMMUNITY = sources.COMMUNITY, "Community"
    ACCOUNT = sources.ACCOUNT, "Account"


class Source(models.Model):
    """A site, community or account where a brand is talked about, with its class and a 1-5 rating."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(max_length=100)
    source_class = models.CharField("class", max_length=16, choices=SourceClass.choices)
    rating = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How much the source weighs, 1 (little) to 5 (a lot).",
    )
    match = models.CharField(max_length=16, choices=SourceMatch.choices, default=SourceMatch.SITE)
    pattern = models.CharField(
        "matches",
        max_length=sources.MAX_HOST_CHARS,
        help_text="A host (rants.example.com), a community (r/acmesucks) or an account handle.",
    )
    network = models.CharField(
        max_length=16, choices=Network.choices, blank=True, help_text="For an account: its network."
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="listening_source_unique_name"),
            models.UniqueConstraint(
                fields=["brand", "match", "network", "pattern"], name="listening_source_unique_match"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="listening_source_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Store what the source matches in its normal form; an account needs a network, others none."""
        try:
            self.pattern = sources.normalise_pattern(self.match, self.pattern)
        except RuleError as error:
            raise ValidationError({"pattern": str(error)}) from None
        if self.match == SourceMatch.ACCOUNT and not self.network:
            raise ValidationError({"network": "An account is matched on one network: choose it."})
        if self.match != SourceMatch.ACCOUNT:
            self.network = ""
