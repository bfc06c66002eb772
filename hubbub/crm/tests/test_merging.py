"""Merging and unmerging customers: links, not moves; an audit trail; unmerge restores everything."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.actions.merging import (
    FILLABLE_FIELDS,
    MergeRefusedError,
    NotAllowedError,
    accept_suggestion,
    merge_customers,
    reject_suggestion,
    unmerge_customer,
)
from hubbub.crm.models import Customer, Interaction, Merge, MergeSuggestion, TierRule
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory

WHEN = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


class RollbackError(Exception):
    """Ends one hypothesis example, undoing what it wrote."""


def group_of(customer_id):
    root = Customer.objects.get(id=customer_id)
    root_id = root.merged_into_id or root.id
    return sorted(Customer.objects.filter(id=root_id).values_list("id", flat=True)) + sorted(
        Customer.objects.filter(merged_into_id=root_id).values_list("id", flat=True)
    )


def timeline(customer_id):
    """Every post and interaction of the customer's group, newest first."""
    members = group_of(customer_id)
    posts = [
        ("post", p.created_at, p.id)
        for p in PostRecordFactory._meta.model.objects.filter(customer_id__in=members)
    ]
    touches = [
        ("interaction", i.occurred_at, i.id) for i in Interaction.objects.filter(customer_id__in=members)
    ]
    return sorted(posts + touches, key=lambda item: (item[1], item[0], item[2]), reverse=True)


def snapshot(customers):
    state = {}
    for customer in Customer.objects.filter(id__in=[c.id for c in customers]).order_by("id"):
        profile = tuple(
            getattr(customer, field) for field in (*FILLABLE_FIELDS, "attributes", "merged_into_id")
        )
        state[customer.id] = (profile, timeline(customer.id))
    return state


def person(brand, n, *, email="", phone="", language="", attributes=None):
    customer = CustomerFactory(
        brand=brand, display_name=f"Person {n}", email=email, phone=phone, language=language,
        attributes=attributes or {},
    )  # fmt: skip
    IdentityFactory(customer=customer, external_id=f"p{n}")
    PostRecordFactory(
        brand=brand, customer_id=customer.id, author_id=f"p{n}", created_at=WHEN.replace(day=n + 1)
    )
    Interaction.objects.create(
        customer=customer, kind="call", channel="phone", occurred_at=WHEN.replace(hour=n), summary=f"call {n}"
    )
    return customer


def test_a_merge_links_the_merged_customer_and_moves_nothing(brand_a, bob):
    dana, fox = person(brand_a, 1), person(brand_a, 2)

    merge = merge_customers(dana, fox, bob)

    fox.refresh_from_db()
    assert fox.merged_into_id == dana.id
    assert list(fox.identities.values_list("external_id", flat=True)) == ["p2"]
    assert timeline(dana.id) == timeline(fox.id)
    assert len(timeline(dana.id)) == 4
    assert (merge.survivor_id, merge.merged_id, merge.merged_by, merge.unmerged_at) == (
        dana.id,
        fox.id,
        bob,
        None,
    )


def test_a_merge_fills_the_survivors_blank_fields_and_records_what_they_were(brand_a, bob):
    dana = person(brand_a, 1, email="dana@example.com", attributes={"size": "M"})
    fox = person(
        brand_a, 2, email="fox@example.com", phone="+4930123", attributes={"size": "L", "vip": "yes"}
    )

    merge = merge_customers(dana, fox, bob)

    dana.refresh_from_db()
    assert (dana.email, dana.phone, dana.attributes) == (
        "dana@example.com",
        "+4930123",
        {"size": "M", "vip": "yes"},
    )
    assert merge.filled_fields == {"phone": "", "attributes": {"size": "M"}}
    assert merge.repointed == []


def test_unmerge_restores_the_survivors_fields_and_the_timelines(brand_a, bob):
    dana = person(brand_a, 1, email="dana@example.com")
    fox = person(brand_a, 2, phone="+4930123", language="de")
    before = snapshot([dana, fox])

    merge = unmerge_customer(merge_customers(dana, fox, bob), bob)

    assert snapshot([dana, fox]) == before
    assert (merge.unmerged_by, merge.unmerged_at is not None) == (bob, True)


def test_merging_into_a_survivor_that_was_merged_re_points_its_group(brand_a, bob):
    a, b, c = person(brand_a, 1), person(brand_a, 2), person(brand_a, 3)
    merge_customers(b, a, bob)

    second = merge_customers(c, b, bob)

    assert dict(Customer.objects.values_list("id", "merged_into_id")) == {a.id: c.id, b.id: c.id, c.id: None}
    assert second.repointed == [a.id]


def test_unmerging_the_later_merge_puts_the_group_back(brand_a, bob):
    a, b, c = person(brand_a, 1), person(brand_a, 2), person(brand_a, 3)
    merge_customers(b, a, bob)

    unmerge_customer(merge_customers(c, b, bob), bob)

    assert dict(Customer.objects.values_list("id", "merged_into_id")) == {a.id: b.id, b.id: None, c.id: None}


def test_unmerging_the_earlier_merge_takes_only_that_customer_out(brand_a, bob):
    a, b, c = person(brand_a, 1), person(brand_a, 2), person(brand_a, 3)
    first = merge_customers(b, a, bob)
    second = merge_customers(c, b, bob)

    unmerge_customer(first, bob)

    assert dict(Customer.objects.values_list("id", "merged_into_id")) == {a.id: None, b.id: c.id, c.id: None}
    unmerge_customer(second, bob)
    assert dict(Customer.objects.values_list("id", "merged_into_id")) == {a.id: None, b.id: None, c.id: None}


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda a, _b, _c: (a, a), "a customer cannot be merged into itself"),
        (lambda _a, b, c: (b, c), "customer {c} is already merged into customer {a}"),
        (lambda _a, b, c: (c, b), "the survivor is merged into customer {a}: merge into that"),
    ],
)
def test_refused_merges_change_nothing(brand_a, bob, pick, message):
    a, b, c = person(brand_a, 1), person(brand_a, 2), person(brand_a, 3)
    merge_customers(a, c, bob)
    survivor, merged = pick(a, b, c)

    with pytest.raises(MergeRefusedError, match=message.format(a=a.id, c=c.id)):
        merge_customers(survivor, merged, bob)

    assert Merge.objects.count() == 1
    assert dict(Customer.objects.values_list("id", "merged_into_id")) == {a.id: None, b.id: None, c.id: a.id}


def test_an_unmerge_cannot_be_done_twice(brand_a, bob):
    merge = merge_customers(person(brand_a, 1), person(brand_a, 2), bob)
    unmerge_customer(merge, bob)

    with pytest.raises(MergeRefusedError, match="already undone"):
        unmerge_customer(merge, bob)


def test_customers_of_two_brands_cannot_be_merged(brand_a, brand_b, bob):
    dana, other = person(brand_a, 1), CustomerFactory(brand=brand_b)

    with pytest.raises(MergeRefusedError, match="different brands"):
        merge_customers(dana, other, bob)

    assert Merge.objects.count() == 0


def test_alice_the_agent_cannot_merge(brand_a, alice):
    dana, fox = person(brand_a, 1), person(brand_a, 2)

    with pytest.raises(NotAllowedError):
        merge_customers(dana, fox, alice)

    assert (Merge.objects.count(), Customer.objects.filter(merged_into__isnull=False).count()) == (0, 0)


def test_alice_the_agent_cannot_unmerge_or_decide(brand_a, alice, bob):
    dana, fox = person(brand_a, 1), person(brand_a, 2)
    merge = merge_customers(dana, fox, bob)
    suggestion = MergeSuggestion.objects.create(brand=brand_a, customer=dana, candidate=fox, score=0.7)

    for action in (lambda: unmerge_customer(merge, alice), lambda: reject_suggestion(suggestion, alice)):
        with pytest.raises(NotAllowedError):
            action()

    assert Merge.objects.get().unmerged_at is None
    assert MergeSuggestion.objects.get().status == "pending"


def test_charlie_cannot_touch_brand_a(brand_a, charlie, bob):
    dana, fox = person(brand_a, 1), person(brand_a, 2)

    with pytest.raises(NotAllowedError, match=f"brand {brand_a.id}"):
        merge_customers(dana, fox, charlie)
    with pytest.raises(NotAllowedError):
        unmerge_customer(merge_customers(dana, fox, bob), charlie)

    assert Merge.objects.get().unmerged_at is None


def test_accepting_a_suggestion_merges_into_the_older_customer(brand_a, bob):
    dana, fox = person(brand_a, 1), person(brand_a, 2)
    suggestion = MergeSuggestion.objects.create(brand=brand_a, customer=dana, candidate=fox, score=0.7)

    merge = accept_suggestion(suggestion, bob)

    suggestion.refresh_from_db()
    assert merge is not None
    assert (merge.survivor_id, merge.merged_id, merge.suggestion_id) == (dana.id, fox.id, suggestion.id)
    assert (suggestion.status, suggestion.decided_by, suggestion.decided_at is not None) == (
        "accepted",
        bob,
        True,
    )


def test_a_decided_suggestion_cannot_be_decided_again(brand_a, bob):
    suggestion = MergeSuggestion.objects.create(
        brand=brand_a, customer=person(brand_a, 1), candidate=person(brand_a, 2), score=0.7
    )
    reject_suggestion(suggestion, bob)

    with pytest.raises(MergeRefusedError, match="already rejected"):
        accept_suggestion(suggestion, bob)

    assert Merge.objects.count() == 0


def test_a_merge_recomputes_the_survivors_tier_from_the_whole_group(brand_a, bob):
    TierRule.objects.create(brand=brand_a, name="Two voices", tier="gold", min_influence=5)
    dana, fox = person(brand_a, 1), person(brand_a, 2)
    IdentityFactory(customer=fox, followers=500)

    merge = merge_customers(dana, fox, bob)

    assert Customer.objects.get(id=dana.id).tier == "gold"
    unmerge_customer(merge, bob)
    assert dict(Customer.objects.values_list("id", "tier")) == {dana.id: "bronze", fox.id: "gold"}


blank_or = st.one_of(st.just(""), st.sampled_from(["x", "y"]))
profiles = st.lists(st.tuples(blank_or, blank_or, st.booleans()), min_size=4, max_size=4)
pairs = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles=profiles, merges=pairs, order=st.randoms(use_true_random=False))
def test_merges_then_unmerges_in_any_order_restore_every_timeline_and_profile_exactly(
    brand_a, bob, profiles, merges, order
):
    with pytest.raises(RollbackError), transaction.atomic():  # noqa: PT012 (one example, rolled back)
        customers = [
            person(
                brand_a,
                n,
                email=f"{email}{n}@x.org" if email else "",
                phone=phone,
                attributes={"k": n} if attr else {},
            )
            for n, (email, phone, attr) in enumerate(profiles)
        ]
        customers[0].customer_since = date(2020, 1, 1)
        customers[0].save()
        before = snapshot(customers)
        done = []
        for survivor, merged in merges:
            try:
                done.append(merge_customers(customers[survivor], customers[merged], bob))
            except MergeRefusedError:
                continue
        order.shuffle(done)
        for merge in done:
            unmerge_customer(merge, bob)
        assert snapshot(customers) == before
        raise RollbackError
