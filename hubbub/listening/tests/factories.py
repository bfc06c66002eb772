"""Factories for topics, the terms that signal and void them, and sources."""

from __future__ import annotations

import factory

from hubbub.core.tests.factories import BrandFactory
from hubbub.listening.models import Exclusion, Source, SourceClass, SourceMatch, Topic, TopicKind, TrackedTerm


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    kind = TopicKind.PRODUCT


class TrackedTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedTerm

    topic = factory.SubFactory(TopicFactory)
    term = factory.Sequence(lambda n: f"term{n}")


class ExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exclusion

    topic = factory.SubFactory(TopicFactory)
    term = factory.Sequence(lambda n: f"not{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Source {n}")
    source_class = SourceClass.RANT
    rating = 3
    match = SourceMatch.SITE
    pattern = factory.Sequence(lambda n: f"site{n}.example.com")
    network = ""
    enabled = True
