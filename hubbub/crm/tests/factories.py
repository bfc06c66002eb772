"""Factories for customers and their identities."""

from __future__ import annotations

import factory

from hubbub.core.networks import Network
from hubbub.core.tests.factories import BrandFactory
from hubbub.crm.models import Customer, Identity, Tier


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    brand = factory.SubFactory(BrandFactory)
    display_name = factory.Sequence(lambda n: f"Customer {n}")
    tier = Tier.BRONZE


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    customer = factory.SubFactory(CustomerFactory)
    brand = factory.SelfAttribute("customer.brand")
    network = Network.TWITTER
    external_id = factory.Sequence(lambda n: f"author-{n}")
    handle = factory.Sequence(lambda n: f"customer{n}")
