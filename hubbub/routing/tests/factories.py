"""Factories for queues."""

from __future__ import annotations

import factory

from hubbub.core.tests.factories import BrandFactory
from hubbub.routing.models import Queue


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Queue {n}")
    position = 0

    @factory.post_generation  # type: ignore[untyped-decorator]
    def topics(self, create: bool, extracted: object, **_kwargs: object) -> None:
        if create and extracted:
            self.topics.set(extracted)
