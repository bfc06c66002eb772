"""Merge suggestions: each reason with its weight, the threshold, and never self or cross-brand pairs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.actions.merging import suggest_merges
from hubbub.crm.models import MergeSuggestion, Product, Purchase, SuggestionStatus
from hubbub.crm.suggestions import (
    Profile,
    Reason,
    fold_name,
    normalise_phone,
    score_pair,
    stated_order_numbers,
    suggested_pairs,
)
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory


def profile(customer_id, name="", brand_id=1, **fields):
    return Profile(customer_id, brand_id, name, **{key: frozenset(value) for key, value in fields.items()})


def test_names_are_folded_for_case_accents_and_order():
    assert fold_name("Zoë  ÁVILA") == fold_name("avila, zoe") == "avila zoe"


def test_phones_are_compared_by_their_digits():
    assert normalise_phone("+49 (30) 123-456") == "+4930123456"
    assert normalise_phone("030 123456") == "030123456"


def test_the_same_name_alone_is_suggested():
    pair = score_pair(profile(2, "Zoë Ávila"), profile(1, "zoe avila"))

    assert (pair.customer_id, pair.candidate_id, pair.score, pair.is_suggested) == (1, 2, 0.5, True)
    assert pair.reasons == (Reason("name", "zoe avila ~ Zoë Ávila (1.00)", 0.5),)


def test_a_near_miss_name_alone_is_not_suggested():
    pair = score_pair(profile(1, "Dana Scully"), profile(2, "Dana Scullie"))

    assert (pair.score, pair.is_suggested) == (0.435, False)


def test_different_names_give_no_name_reason():
    assert score_pair(profile(1, "Dana Scully"), profile(2, "Fox Mulder")).reasons == ()


def test_a_shared_email_is_suggested():
    pair = score_pair(
        profile(1, "D", emails={"dana@example.com"}), profile(2, "F", emails={"dana@example.com"})
    )

    assert (pair.reasons, pair.score) == ((Reason("email", "dana@example.com", 0.7),), 0.7)


def test_a_shared_phone_is_suggested():
    pair = score_pair(profile(1, "D", phones={"+4930123456"}), profile(2, "F", phones={"+4930123456"}))

    assert (pair.reasons, pair.score) == ((Reason("phone", "+4930123456", 0.7),), 0.7)


def test_stating_the_other_customers_order_number_is_suggested():
    writer = profile(1, "D", stated_order_numbers={"A-10023"})
    owner = profile(2, "F", order_numbers={"A-10023"})

    assert score_pair(owner, writer).reasons == (Reason("order", "A-10023", 0.9),)


def test_the_score_is_capped_at_one():
    first = profile(1, "Dana Scully", emails={"d@x.org"}, phones={"+1555"})
    second = profile(2, "Dana Scully", emails={"d@x.org"}, phones={"+1555"})

    assert score_pair(first, second).score == 1.0


def test_a_customer_is_never_paired_with_itself():
    assert score_pair(profile(1, "Dana"), profile(1, "Dana")).reasons == ()


def test_customers_of_different_brands_are_never_paired():
    first = profile(1, "Dana", brand_id=1, emails={"d@x.org"})
    second = profile(2, "Dana", brand_id=2, emails={"d@x.org"})

    assert score_pair(first, second).reasons == ()
    assert suggested_pairs([first, second]) == []


def test_order_numbers_are_found_as_whole_tokens_only():
    texts = ["Where is order A-10023? Also 99A-100234 and a-10023"]

    assert stated_order_numbers(texts, frozenset({"A-10023", "A-100234", "A-1002"})) == frozenset({"A-10023"})


def test_only_pairs_at_the_threshold_are_suggested_best_first():
    profiles = [
        profile(1, "Dana Scully"),
        profile(2, "Dana Scully", emails={"d@x.org"}),
        profile(3, "Fox Mulder", emails={"d@x.org"}),
        profile(4, "Dana Scullie"),
    ]

    assert [(pair.customer_id, pair.candidate_id, pair.score) for pair in suggested_pairs(profiles)] == [
        (2, 3, 0.7),
        (1, 2, 0.5),
    ]


def buy(customer, number):
    product, _ = Product.objects.get_or_create(brand=customer.brand, sku="phone", defaults={"name": "Phone"})
    Purchase.objects.create(
        customer=customer,
        product=product,
        order_number=number,
        purchased_on=date(2026, 1, 1),
        amount=Decimal(1),
    )


def test_suggest_merges_stores_each_pair_once_with_its_reasons(brand_a):
    dana = CustomerFactory(brand=brand_a, display_name="Dana Scully", email="Dana@Example.com")
    other = CustomerFactory(brand=brand_a, display_name="D. S.")
    IdentityFactory(customer=other, network="email", external_id="dana@example.com")
    writer = CustomerFactory(brand=brand_a, display_name="Fox Mulder")
    buy(dana, "A-10023")
    PostRecordFactory(brand=brand_a, customer_id=writer.id, text="My order A-10023 never came")

    suggest_merges(brand_a)
    suggest_merges(brand_a)

    assert sorted(MergeSuggestion.objects.values_list("customer_id", "candidate_id", "score", "reasons")) == [
        (dana.id, other.id, 0.7, [{"kind": "email", "detail": "dana@example.com", "weight": 0.7}]),
        (dana.id, writer.id, 0.9, [{"kind": "order", "detail": "A-10023", "weight": 0.9}]),
    ]


def test_a_rejected_pair_stays_rejected(brand_a):
    first = CustomerFactory(brand=brand_a, display_name="Dana Scully")
    CustomerFactory(brand=brand_a, display_name="Dana Scully")
    suggest_merges(brand_a)
    MergeSuggestion.objects.update(status=SuggestionStatus.REJECTED)

    assert suggest_merges(brand_a, [first.id]) == []
    assert list(MergeSuggestion.objects.values_list("status", flat=True)) == ["rejected"]


def test_suggest_merges_never_pairs_customers_of_two_brands(brand_a, brand_b):
    CustomerFactory(brand=brand_a, display_name="Dana Scully", email="d@x.org")
    CustomerFactory(brand=brand_b, display_name="Dana Scully", email="d@x.org")

    assert (suggest_merges(brand_a), suggest_merges(brand_b)) == ([], [])
    assert MergeSuggestion.objects.count() == 0


def test_suggest_merges_for_some_customers_only_touches_their_pairs(brand_a):
    dana = CustomerFactory(brand=brand_a, display_name="Dana Scully")
    CustomerFactory(brand=brand_a, display_name="Dana Scully")
    fox = CustomerFactory(brand=brand_a, display_name="Fox Mulder")
    CustomerFactory(brand=brand_a, display_name="Fox Mulder")

    suggest_merges(brand_a, [dana.id])

    assert list(MergeSuggestion.objects.values_list("customer_id", flat=True)) == [dana.id]
    assert fox.id not in MergeSuggestion.objects.values_list("customer_id", flat=True)
