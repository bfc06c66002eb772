"""Tier rules: the first rule whose every set threshold holds, higher tiers first, explained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from hubbub.crm.actions.tiers import recompute_brand_tiers, recompute_tier
from hubbub.crm.facts import CustomerFacts
from hubbub.crm.models import Customer, Invoice, Product, Purchase, PurchaseStatus, TierRule
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory
from hubbub.crm.tiers import Rule, decide_tier

FACTS = CustomerFacts(
    spend_12m=Decimal("600.00"),
    tenure_days=800,
    payment_reliability=Decimal("0.950"),
    active_products=2,
    influence=3,
    loyalty_level="silver club",
)
SEED_RULES = [
    Rule("Big spenders", "gold", min_spend_12m=Decimal("500"), min_payment_reliability=Decimal("0.9")),
    Rule("Loyal", "silver", min_tenure_days=365),
    Rule("Voices", "platinum", position=1, min_influence=8),
    Rule("Whales", "platinum", position=0, min_spend_12m=Decimal("5000")),
]


def facts(**changes):
    return CustomerFacts(**{**FACTS.as_json(), **FACTS_TYPED, **changes})


FACTS_TYPED = {"spend_12m": FACTS.spend_12m, "payment_reliability": FACTS.payment_reliability}


@pytest.mark.parametrize(
    ("threshold", "value", "below"),
    [
        ("min_spend_12m", Decimal("600.00"), {"spend_12m": Decimal("599.99")}),
        ("min_tenure_days", 800, {"tenure_days": 799}),
        ("min_payment_reliability", Decimal("0.950"), {"payment_reliability": Decimal("0.949")}),
        ("min_products", 2, {"active_products": 1}),
        ("min_influence", 3, {"influence": 2}),
    ],
)
def test_each_threshold_holds_at_its_minimum_and_fails_just_below(threshold, value, below):
    rules = [Rule("Only rule", "gold", **{threshold: value})]

    assert decide_tier(rules, facts()).tier == "gold"
    assert decide_tier(rules, facts(**below)).tier == "bronze"


def test_an_unknown_reliability_or_influence_meets_no_threshold():
    rules = [
        Rule("Reliable", "gold", min_payment_reliability=Decimal("0")),
        Rule("Anyone influential", "silver", min_influence=1),
    ]

    assert decide_tier(rules, facts(payment_reliability=None, influence=None)).tier == "bronze"


def test_higher_tiers_are_tried_first_whatever_the_rules_order():
    assert decide_tier(SEED_RULES, facts(spend_12m=Decimal("9000"))).rule == "Whales"


def test_within_a_tier_the_lower_position_is_tried_first():
    decision = decide_tier(SEED_RULES, facts(spend_12m=Decimal("9000"), influence=9))

    assert (decision.tier, decision.rule) == ("platinum", "Whales")


def test_a_rule_needs_every_threshold_it_sets():
    decision = decide_tier(SEED_RULES, facts(payment_reliability=Decimal("0.5")))

    assert (decision.tier, decision.rule) == ("silver", "Loyal")


def test_the_influential_late_payer_who_rarely_buys_gets_platinum():
    decision = decide_tier(
        SEED_RULES,
        facts(spend_12m=Decimal("0"), tenure_days=10, payment_reliability=Decimal("0.2"), influence=9),
    )

    assert (decision.tier, decision.rule) == ("platinum", "Voices")


def test_a_rule_without_thresholds_matches_everyone():
    assert decide_tier([Rule("Floor", "silver")], facts(tenure_days=0)).tier == "silver"


def test_the_explanation_names_the_rule_its_thresholds_and_the_customers_values():
    decision = decide_tier(SEED_RULES, facts())

    assert decision.as_explanation() == {
        "tier": "gold",
        "rule": "Big spenders",
        "checks": [
            {"fact": "spend_12m", "minimum": "500", "value": "600.00"},
            {"fact": "payment_reliability", "minimum": "0.9", "value": "0.950"},
        ],
        "facts": {
            "spend_12m": "600.00",
            "tenure_days": 800,
            "payment_reliability": "0.950",
            "active_products": 2,
            "influence": 3,
            "loyalty_level": "silver club",
        },
    }


def test_without_a_matching_rule_the_customer_is_bronze_and_told_so():
    explanation = decide_tier(SEED_RULES, facts(tenure_days=1, spend_12m=Decimal("1"))).as_explanation()

    assert (explanation["tier"], explanation["rule"], explanation["checks"]) == (
        "bronze",
        "no rule matched",
        [],
    )
    assert explanation["facts"]["tenure_days"] == 1


def seed_rules(brand):
    TierRule.objects.create(brand=brand, name="Voices", tier="platinum", min_influence=7)
    TierRule.objects.create(
        brand=brand,
        name="Big spenders",
        tier="gold",
        min_spend_12m=Decimal("500"),
        min_payment_reliability=Decimal("0.9"),
    )
    TierRule.objects.create(brand=brand, name="Loyal", tier="silver", min_tenure_days=365, min_products=1)


def buy(customer, amount, on, number="A-1000", *, ends_on=None, status=PurchaseStatus.ACTIVE):
    product, _ = Product.objects.get_or_create(
        brand=customer.brand, sku=f"sku-{number}", defaults={"name": number}
    )
    return Purchase.objects.create(
        customer=customer, product=product, order_number=number, purchased_on=on,
        ends_on=ends_on, amount=Decimal(amount), status=status,
    )  # fmt: skip


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_recompute_stores_the_tier_and_its_explanation(brand_a):
    seed_rules(brand_a)
    customer = CustomerFactory(brand=brand_a, customer_since=date(2026, 1, 1))
    buy(customer, "450.00", date(2026, 6, 1), "A-1")
    buy(customer, "100.00", date(2026, 7, 1), "A-2")
    buy(customer, "900.00", date(2025, 6, 1), "A-3")  # more than 12 months ago
    buy(customer, "900.00", date(2026, 8, 1), "A-4", status=PurchaseStatus.RETURNED)
    Invoice.objects.create(
        customer=customer, number="I-1", issued_on=date(2026, 5, 1), due_on=date(2026, 6, 1),
        amount=Decimal("450"), paid_on=date(2026, 5, 20),
    )  # fmt: skip

    decision = recompute_tier(customer)

    customer.refresh_from_db()
    assert (decision.tier, customer.tier) == ("gold", "gold")
    assert customer.tier_explanation == {
        "tier": "gold",
        "rule": "Big spenders",
        "checks": [
            {"fact": "spend_12m", "minimum": "500.00", "value": "550.00"},
            {"fact": "payment_reliability", "minimum": "0.900", "value": "1.000"},
        ],
        "facts": {
            "spend_12m": "550.00",
            "tenure_days": 334,
            "payment_reliability": "1.000",
            "active_products": 3,
            "influence": 1,
            "loyalty_level": "",
        },
        "influence": {
            "score": 1,
            "reach": 0,
            "formula": "1 + floor(1.5 * log10(reach + 1)), at most 10",
            "parts": [],
        },
    }


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_recompute_takes_influence_from_the_identities_followers(brand_a):
    seed_rules(brand_a)
    customer = CustomerFactory(brand=brand_a)
    IdentityFactory(customer=customer, network="twitter", handle="dana", followers=40_000)
    IdentityFactory(customer=customer, network="mastodon", handle="dana@social", followers=2_000)

    recompute_tier(customer)

    customer.refresh_from_db()
    assert (customer.tier, customer.influence) == ("platinum", 7)
    assert customer.tier_explanation["influence"]["parts"] == [
        ["twitter", "dana", 40_000],
        ["mastodon", "dana@social", 2_000],
    ]


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_an_objecting_customer_gets_no_influence_and_no_influence_tier(brand_a):
    seed_rules(brand_a)
    customer = CustomerFactory(brand=brand_a, objects_to_profiling=True, influence=9)
    IdentityFactory(customer=customer, followers=1_000_000)

    recompute_tier(customer)

    customer.refresh_from_db()
    assert (customer.tier, customer.influence, customer.tier_explanation["influence"]) == (
        "bronze",
        None,
        None,
    )


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_recomputing_a_brand_takes_the_same_number_of_queries_for_1_and_20_customers(
    brand_a, django_assert_num_queries
):
    seed_rules(brand_a)
    CustomerFactory(brand=brand_a)
    with django_assert_num_queries(10):
        recompute_brand_tiers(brand_a.id)
    for _ in range(19):
        buy(
            IdentityFactory(customer=CustomerFactory(brand=brand_a)).customer, "1.00", date(2026, 1, 1), "B-1"
        )

    with django_assert_num_queries(10):
        recomputed = recompute_brand_tiers(brand_a.id)

    assert recomputed == Customer.objects.count() == 20


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_recomputing_a_brand_goes_in_chunks_and_reports_progress(brand_a, monkeypatch):
    TierRule.objects.create(brand=brand_a, name="Spenders", tier="gold", min_spend_12m=Decimal("1000"))
    for _ in range(5):
        buy(
            IdentityFactory(customer=CustomerFactory(brand=brand_a)).customer,
            "2000.00",
            date(2026, 6, 1),
            "B",
        )
    monkeypatch.setattr("hubbub.crm.actions.tiers.BRAND_CHUNK", 2)
    progress: list[int] = []

    assert recompute_brand_tiers(brand_a.id, on_progress=progress.append) == 5

    assert progress == [2, 2, 1]
    assert list(Customer.objects.values_list("tier", flat=True)) == ["gold"] * 5


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_recompute_leaves_other_brands_alone(brand_a, brand_b):
    seed_rules(brand_a)
    other = CustomerFactory(brand=brand_b, tier="gold")

    recompute_brand_tiers(brand_a.id)

    other.refresh_from_db()
    assert (other.tier, other.tier_explanation) == ("gold", {})
