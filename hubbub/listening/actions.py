"""Writes of the listening configuration, one transaction each; the pipeline sees them within 5 seconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, models, transaction

from hubbub.listening.models import Exclusion, Source, Topic, TrackedTerm
from hubbub.listening.rules import format_languages

Term = TypeVar("Term", TrackedTerm, Exclusion)


class ListeningRefusedError(Exception):
    """A change that cannot be made as asked (a name already taken, say); the message says why."""


@dataclass(frozen=True, slots=True)
class TopicInput:
    """A topic as its form gives it: parsed, bounded terms, exclusions and languages."""

    name: str
    kind: str
    languages: tuple[str, ...]
    terms: tuple[str, ...]
    exclusions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceInput:
    """A source as its form gives it, with what it matches already in its normal form."""

    name: str
    source_class: str
    rating: int
    match: str
    pattern: str
    network: str
    enabled: bool


def save_topic(topic: Topic, data: TopicInput) -> Topic:
    """Create or change a topic (of `topic.brand`) with exactly the given terms and exclusions."""
    topic.name, topic.kind, topic.languages = data.name, data.kind, format_languages(data.languages)
    try:
        with transaction.atomic():
            topic.save()
            _replace_terms(topic, TrackedTerm, topic.terms.all(), data.terms)
            _replace_terms(topic, Exclusion, topic.exclusions.all(), data.exclusions)
    except IntegrityError:
        raise ListeningRefusedError("Another topic of this brand has that name.") from None
    return topic


def _replace_terms(
    topic: Topic,
    model: type[Term],
    current: models.QuerySet[Term],
    wanted: Sequence[str],
) -> None:
    current.exclude(term__in=wanted).delete()
    kept = set(current.values_list("term", flat=True))
    model.objects.bulk_create([model(topic=topic, term=term) for term in wanted if term not in kept])


@transaction.atomic
def delete_topic(topic: Topic) -> None:
    """Delete a topic with its terms and exclusions; queues stop taking it."""
    topic.delete()


def save_source(source: Source, data: SourceInput) -> Source:
    """Create or change a source of `source.brand`."""
    for field in ("name", "source_class", "rating", "match", "pattern", "network", "enabled"):
        setattr(source, field, getattr(data, field))
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        raise ListeningRefusedError(
            "Another source of this brand has that name or matches the same."
        ) from None
    return source


@transaction.atomic
def delete_source(source: Source) -> None:
    """Delete a source; its posts keep the class they were stored with."""
    source.delete()
