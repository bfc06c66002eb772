"""Objection to profiling (GDPR Art. 21): an objecting customer gets no influence score."""

from __future__ import annotations

from hubbub.crm.actions.privacy import record_objection, withdraw_objection
from hubbub.crm.actions.tiers import recompute_tier
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory


def test_an_objection_clears_influence_for_the_whole_group_and_keeps_it_cleared(brand_a, bob):
    customer = CustomerFactory(brand=brand_a, influence=7)
    twin = CustomerFactory(brand=brand_a, influence=3, merged_into=customer)
    IdentityFactory(customer=customer, followers=1_000_000)

    record_objection(customer, bob)
    recompute_tier(customer)

    customer.refresh_from_db()
    twin.refresh_from_db()
    assert (customer.objects_to_profiling, customer.influence) == (True, None)
    assert (twin.objects_to_profiling, twin.influence) == (True, None)
    assert customer.objection_recorded_at is not None
    assert customer.tier_explanation["influence"] is None


def test_withdrawing_the_objection_scores_influence_again(brand_a, bob):
    customer = CustomerFactory(brand=brand_a)
    IdentityFactory(customer=customer, followers=1_000_000)
    record_objection(customer, bob)

    withdraw_objection(customer, bob)

    customer.refresh_from_db()
    assert (customer.objects_to_profiling, customer.objection_recorded_at, customer.influence) == (
        False,
        None,
        10,
    )
