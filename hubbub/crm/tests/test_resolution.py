"""Customer resolution: every inbound author of a brand becomes exactly one customer, on first contact."""

from __future__ import annotations

import pytest
from django.db import transaction

from hubbub.crm.actions.merging import merge_customers, unmerge_customer
from hubbub.crm.models import Customer, Identity, Tier, TierRule
from hubbub.crm.resolution import CustomerResolver, source_key
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory
from hubbub.pipeline.tests.factories import PostFactory


class InjectedError(Exception):
    """A failure the test causes on purpose."""


def resolve(posts, resolver=None):
    return (resolver or CustomerResolver()).resolve_customers(posts)


def test_a_new_author_becomes_exactly_one_bronze_customer_with_one_identity(brand_a):
    post = PostFactory(brand_id=brand_a.id, author_id="u1", author_handle="dana", author_name="Dana Scully")

    [resolved] = resolve([post])

    customer = Customer.objects.get()
    assert (customer.brand_id, customer.display_name, customer.tier) == (brand_a.id, "Dana Scully", "bronze")
    assert customer.source_key == f"{brand_a.id}:twitter:u1" == source_key((brand_a.id, "twitter", "u1"))
    assert list(
        Identity.objects.values_list("customer_id", "brand_id", "network", "external_id", "handle")
    ) == [(customer.id, brand_a.id, "twitter", "u1", "dana")]
    assert (resolved.customer_id, resolved.tier) == (customer.id, "bronze")


@pytest.mark.parametrize(
    ("name", "handle", "display_name"),
    [("Dana Scully", "dana", "Dana Scully"), ("", "dana", "dana"), ("", "", "u1")],
)
def test_the_display_name_comes_from_the_name_else_the_handle_else_the_id(
    brand_a, name, handle, display_name
):
    resolve([PostFactory(brand_id=brand_a.id, author_id="u1", author_handle=handle, author_name=name)])

    assert list(Customer.objects.values_list("display_name", flat=True)) == [display_name]


def test_the_same_author_in_a_later_batch_reuses_the_customer(brand_a):
    [first] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")])

    [later] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1", author_name="New Name")])

    assert later.customer_id == first.customer_id
    assert (Customer.objects.count(), Identity.objects.count()) == (1, 1)
    assert Customer.objects.get().display_name == "Dana Customer"


def test_two_authors_in_one_batch_become_two_customers(brand_a):
    posts = [
        PostFactory(brand_id=brand_a.id, author_id="u1", author_name="Dana"),
        PostFactory(brand_id=brand_a.id, author_id="u2", author_name="Gina"),
        PostFactory(brand_id=brand_a.id, author_id="u1", author_name="Dana again"),
    ]

    resolved = resolve(posts)

    dana = Customer.objects.get(display_name="Dana")
    gina = Customer.objects.get(display_name="Gina")
    assert [post.customer_id for post in resolved] == [dana.id, gina.id, dana.id]
    assert (Customer.objects.count(), Identity.objects.count()) == (2, 2)


def test_the_same_author_id_on_two_networks_is_two_customers(brand_a):
    resolved = resolve([
        PostFactory(brand_id=brand_a.id, network="twitter", author_id="u1"),
        PostFactory(brand_id=brand_a.id, network="mastodon", author_id="u1"),
    ])  # fmt: skip

    assert len({post.customer_id for post in resolved}) == 2
    assert sorted(Identity.objects.values_list("network", "external_id")) == [
        ("mastodon", "u1"),
        ("twitter", "u1"),
    ]


def test_an_author_writing_to_two_brands_is_a_customer_of_each(brand_a, brand_b):
    resolved = resolve(
        [PostFactory(brand_id=brand_a.id, author_id="u1"), PostFactory(brand_id=brand_b.id, author_id="u1")]
    )

    assert sorted(Customer.objects.values_list("brand_id", flat=True)) == sorted([brand_a.id, brand_b.id])
    assert resolved[0].customer_id != resolved[1].customer_id


def test_outbound_posts_get_no_customer(brand_a):
    post = PostFactory(brand_id=brand_a.id, author_id="acme", is_inbound=False)

    assert resolve([post]) == [post]
    assert (Customer.objects.count(), Identity.objects.count()) == (0, 0)


def test_posts_without_a_brand_get_no_customer(db, django_assert_num_queries):
    post = PostFactory(brand_id=None)

    with django_assert_num_queries(0):
        assert resolve([post]) == [post]

    assert Customer.objects.count() == 0


def test_a_known_customers_tier_is_carried_onto_the_post(brand_a):
    identity = IdentityFactory(customer=CustomerFactory(brand=brand_a, tier=Tier.GOLD), external_id="u1")

    [post] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")])

    assert (post.customer_id, post.tier) == (identity.customer_id, "gold")
    assert (Customer.objects.count(), Identity.objects.count()) == (1, 1)


def test_an_identity_of_another_brand_is_not_reused(brand_a, brand_b):
    IdentityFactory(customer=CustomerFactory(brand=brand_b, tier=Tier.PLATINUM), external_id="u1")

    [post] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")])

    assert post.tier == "bronze"
    assert Customer.objects.get(id=post.customer_id).brand_id == brand_a.id


def test_a_customer_created_by_a_racing_worker_is_reused_and_gets_the_identity(brand_a):
    raced = CustomerFactory(brand=brand_a, source_key=f"{brand_a.id}:twitter:u1", display_name="Raced")

    [post] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1", author_handle="dana")])

    assert post.customer_id == raced.id
    assert Customer.objects.count() == 1
    assert list(Identity.objects.values_list("customer_id", "external_id", "handle")) == [
        (raced.id, "u1", "dana")
    ]


def test_a_committed_customer_is_served_from_the_cache_with_one_query_for_current_tiers(
    brand_a, django_capture_on_commit_callbacks, django_assert_num_queries
):
    resolver = CustomerResolver()
    with django_capture_on_commit_callbacks(execute=True):
        [first] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)

    with django_assert_num_queries(1):
        [again] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)

    assert (again.customer_id, again.tier) == (first.customer_id, "bronze")


def test_a_forgetful_resolver_reads_the_customer_again(brand_a, django_capture_on_commit_callbacks):
    resolver = CustomerResolver()
    with django_capture_on_commit_callbacks(execute=True):
        resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)
    Customer.objects.update(tier=Tier.SILVER)

    resolver.forget()
    [post] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)

    assert post.tier == "silver"


def resolve_then_roll_back(post, resolver):
    with transaction.atomic():
        [doomed] = resolve([post], resolver)
        raise InjectedError(doomed.customer_id)


def test_a_rolled_back_batch_leaves_no_customer_id_in_the_cache(brand_a, django_capture_on_commit_callbacks):
    resolver = CustomerResolver()
    post = PostFactory(brand_id=brand_a.id, author_id="u1")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InjectedError) as failure,
    ):
        resolve_then_roll_back(post, resolver)
    [doomed_customer_id] = failure.value.args

    assert callbacks == []
    assert not Customer.objects.filter(id=doomed_customer_id).exists()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [retried] = resolve([post], resolver)

    assert Customer.objects.filter(id=retried.customer_id, identities__external_id="u1").exists()
    assert (Customer.objects.count(), Identity.objects.count()) == (1, 1)


def test_a_batch_of_more_authors_than_one_query_may_bind_is_resolved(brand_a):
    posts = [PostFactory(brand_id=brand_a.id, author_id=f"u{n}") for n in range(1_000)]

    resolved = resolve(posts)

    assert Customer.objects.count() == Identity.objects.count() == 1_000
    assert len({post.customer_id for post in resolved}) == 1_000
    assert all(post.tier == "bronze" for post in resolved)


def test_a_merged_authors_posts_carry_the_roots_tier_and_keep_their_own_customer(
    brand_a, bob, django_capture_on_commit_callbacks
):
    TierRule.objects.create(brand=brand_a, name="Voices", tier="gold", min_influence=5)
    gold = IdentityFactory(customer=CustomerFactory(brand=brand_a), external_id="famous", followers=5_000)
    fan = IdentityFactory(customer=CustomerFactory(brand=brand_a, tier=Tier.SILVER), external_id="u1")
    resolver = CustomerResolver()
    with django_capture_on_commit_callbacks(execute=True):
        [before] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)
        merge = merge_customers(gold.customer, fan.customer, bob)

    [merged] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)
    [fresh] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], CustomerResolver())
    with django_capture_on_commit_callbacks(execute=True):
        unmerge_customer(merge, bob)
    [after] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)

    assert [(p.customer_id, p.tier) for p in (before, merged, fresh, after)] == [
        (fan.customer_id, "silver"),
        (fan.customer_id, "gold"),
        (fan.customer_id, "gold"),
        (fan.customer_id, "bronze"),
    ]


def test_a_tier_changed_by_another_process_shows_on_the_next_batch(
    brand_a, django_capture_on_commit_callbacks
):
    resolver = CustomerResolver()
    with django_capture_on_commit_callbacks(execute=True):
        resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)

    Customer.objects.update(tier=Tier.PLATINUM)  # as another process would, without telling this one

    assert resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)[0].tier == "platinum"


def test_a_cached_customer_that_was_erased_is_looked_up_again(brand_a, django_capture_on_commit_callbacks):
    resolver = CustomerResolver()
    with django_capture_on_commit_callbacks(execute=True):
        [first] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)
    Customer.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        [again] = resolve([PostFactory(brand_id=brand_a.id, author_id="u1")], resolver)

    assert again.customer_id != first.customer_id
    assert list(Customer.objects.values_list("id", flat=True)) == [again.customer_id]
