"""Factories for topics and the terms that signal them."""

from __future__ import annotations

import factory

from hubbub.core.tests.factories import BrandFactory
from hubbub.listening.models import Topic, TopicKind, TrackedTerm


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
