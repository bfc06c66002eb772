"""Factories for brands, accounts, memberships and stored posts."""

from __future__ import annotations

from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model

from hubbub.core.models import Brand, BrandAccount, Membership, PostRecord, Role
from hubbub.core.networks import Network


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"brand-{n}")
    name = factory.LazyAttribute(lambda brand: brand.slug.replace("-", " ").title())


class BrandAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandAccount

    brand = factory.SubFactory(BrandFactory)
    network = Network.TWITTER
    handle = factory.Sequence(lambda n: f"brandcare{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda user: user.username.title())
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    brand = factory.SubFactory(BrandFactory)
    role = Role.AGENT


class PostRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostRecord

    brand = factory.SubFactory(BrandFactory)
    network = Network.TWITTER
    external_id = factory.Sequence(lambda n: f"post-{n}")
    author_id = factory.Sequence(lambda n: f"author-{n}")
    author_handle = factory.Sequence(lambda n: f"customer{n}")
    author_name = "Dana Customer"
    text = "My phone stopped charging after the update."
    created_at = factory.LazyFunction(lambda: datetime(2026, 11, 1, 9, 30, tzinfo=UTC))
    received_at = factory.LazyFunction(lambda: datetime(2026, 11, 1, 9, 30, 5, tzinfo=UTC))
