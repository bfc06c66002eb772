"""Identities: automatic linking of a new identity when its handle, email or phone matches exactly."""

from __future__ import annotations

import pytest

from hubbub.crm.actions.identities import IdentityTakenError, find_exact_matches, link_identity
from hubbub.crm.models import Customer, Identity
from hubbub.crm.resolution import CustomerResolver
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory
from hubbub.pipeline.tests.factories import PostFactory


def test_a_new_email_author_is_linked_to_the_customer_with_that_address(brand_a):
    dana = CustomerFactory(brand=brand_a, email="dana@example.com")

    [post] = CustomerResolver().resolve_customers(
        [PostFactory(brand_id=brand_a.id, network="email", author_id="Dana@Example.com")]
    )

    assert post.customer_id == dana.id
    assert list(Identity.objects.values_list("customer_id", "network", "external_id")) == [
        (dana.id, "email", "Dana@Example.com")
    ]
    assert Customer.objects.count() == 1


def test_a_new_phone_author_is_linked_to_the_customer_with_that_number(brand_a):
    dana = CustomerFactory(brand=brand_a, phone="+4930123456")

    [post] = CustomerResolver().resolve_customers(
        [PostFactory(brand_id=brand_a.id, network="phone", author_id="+49 30 123456")]
    )

    assert post.customer_id == dana.id
    assert Customer.objects.count() == 1


def test_a_new_author_with_a_known_handle_on_the_same_network_is_linked(brand_a):
    known = IdentityFactory(
        customer=CustomerFactory(brand=brand_a), external_id="imported:dana", handle="dana"
    )

    [post] = CustomerResolver().resolve_customers(
        [PostFactory(brand_id=brand_a.id, author_id="12345", author_handle="dana")]
    )

    assert post.customer_id == known.customer_id
    assert Identity.objects.filter(customer=known.customer).count() == 2


def test_the_same_handle_on_another_network_or_brand_is_not_linked(brand_a, brand_b):
    IdentityFactory(customer=CustomerFactory(brand=brand_a), network="mastodon", handle="dana")
    IdentityFactory(customer=CustomerFactory(brand=brand_b), network="twitter", handle="dana")

    assert find_exact_matches(brand_a.id, "twitter", [("u1", "dana")]) == {}


def test_an_ambiguous_match_links_nothing(brand_a):
    CustomerFactory(brand=brand_a, email="dana@example.com")
    CustomerFactory(brand=brand_a, email="dana@example.com")

    assert find_exact_matches(brand_a.id, "email", [("dana@example.com", "")]) == {}


def test_matches_within_one_merged_group_link_to_the_older_customer(brand_a):
    root = CustomerFactory(brand=brand_a, email="dana@example.com")
    CustomerFactory(brand=brand_a, email="dana@example.com", merged_into=root)

    assert find_exact_matches(brand_a.id, "email", [("dana@example.com", "")]) == {
        "dana@example.com": root.id
    }


def test_link_identity_links_an_exact_match(brand_a):
    dana = CustomerFactory(brand=brand_a, phone="+4930123456")

    identity = link_identity(None, "phone", "+4930123456", brand=brand_a)

    assert (identity.customer_id, Customer.objects.count()) == (dana.id, 1)


def test_link_identity_without_a_match_creates_a_customer(brand_a):
    identity = link_identity(None, "twitter", "u9", "newbie", brand=brand_a, followers=12)

    customer = Customer.objects.get()
    assert (identity.customer_id, customer.display_name, identity.followers) == (customer.id, "newbie", 12)
    assert customer.source_key == f"{brand_a.id}:twitter:u9"


def test_link_identity_to_a_customer_is_idempotent(brand_a):
    dana = CustomerFactory(brand=brand_a)

    first = link_identity(dana, "twitter", "u1", "dana")
    again = link_identity(dana, "twitter", "u1", "dana")

    assert first.id == again.id
    assert Identity.objects.count() == 1


def test_link_identity_refuses_an_identity_of_another_customer(brand_a):
    IdentityFactory(customer=CustomerFactory(brand=brand_a), external_id="u1")
    fox = CustomerFactory(brand=brand_a)

    with pytest.raises(IdentityTakenError):
        link_identity(fox, "twitter", "u1")

    assert not Identity.objects.filter(customer=fox).exists()
