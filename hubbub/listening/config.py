"""The listening configuration as the hot path reads it: loaded in a few queries, then only looked up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from hubbub.core.models import BrandAccount
from hubbub.listening.matcher import Matcher
from hubbub.listening.models import Exclusion, Source, Topic, TopicKind, TrackedTerm
from hubbub.listening.sources import SourceBook, SourceLabel, SourceRule

TermRows = list[tuple[str, int, int, str]]  # (term, topic id, brand id, topic kind)


@dataclass(frozen=True, slots=True)
class ListeningConfig:
    """Brand accounts, term and exclusion matchers, topic languages and sources, for every brand."""

    accounts: dict[tuple[str, str], int]  # (network, lower-case handle) -> brand id
    brand_terms: Matcher[tuple[int, int]]  # terms of brand topics -> (brand id, topic id)
    brand_exclusions: Matcher[int]  # exclusions of brand topics -> topic id
    topic_terms: dict[int, Matcher[int]]  # per brand: term -> topic id
    topic_exclusions: dict[int, Matcher[int]]  # per brand: exclusion -> topic id
    topic_languages: dict[int, frozenset[str]]  # topic id -> languages, for topics that name some
    brand_topic_ids: frozenset[int]
    sources: SourceBook


def load_listening_config() -> ListeningConfig:
    """Read brand accounts, topics, terms, exclusions and enabled sources from the database."""
    accounts = {
        (network, handle.lower()): brand_id
        for network, handle, brand_id in BrandAccount.objects.values_list("network", "handle", "brand_id")
    }
    terms: TermRows = list(
        TrackedTerm.objects.values_list("term", "topic_id", "topic__brand_id", "topic__kind")
    )
    exclusions: TermRows = list(
        Exclusion.objects.values_list("term", "topic_id", "topic__brand_id", "topic__kind")
    )
    languages = Topic.objects.exclude(languages="").values_list("id", "languages")
    brand_topics = Topic.objects.filter(kind=TopicKind.BRAND).values_list("id", flat=True)
    return ListeningConfig(
        accounts=accounts,
        brand_terms=Matcher(
            (term, (brand, topic)) for term, topic, brand, kind in terms if kind == TopicKind.BRAND
        ),
        brand_exclusions=Matcher(
            (term, topic) for term, topic, _, kind in exclusions if kind == TopicKind.BRAND
        ),
        topic_terms=_per_brand(terms),
        topic_exclusions=_per_brand(exclusions),
        topic_languages={topic: frozenset(codes.split(",")) for topic, codes in languages},
        brand_topic_ids=frozenset(brand_topics),
        sources=SourceBook(_source_rules()),
    )


def _per_brand(rows: TermRows) -> dict[int, Matcher[int]]:
    per_brand: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for term, topic_id, brand_id, _kind in rows:
        per_brand[brand_id].append((term, topic_id))
    return {brand_id: Matcher(entries) for brand_id, entries in per_brand.items()}


def _source_rules() -> list[SourceRule]:
    rows = Source.objects.filter(enabled=True).values_list(
        "brand_id", "match", "pattern", "network", "source_class", "rating"
    )
    return [
        SourceRule(brand_id, match, pattern, network, SourceLabel(source_class, rating))
        for brand_id, match, pattern, network, source_class, rating in rows
    ]
