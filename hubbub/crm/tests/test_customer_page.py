"""customer_360: the customer page's content for a merge group, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubbub.core.models import Brand
from hubbub.crm.models import Customer, Invoice, Note, Product, ProductKind, Purchase, PurchaseStatus
from hubbub.crm.queries.customers import customer_360, explain_tier
from hubbub.crm.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _buy(customer: Customer, product: Product, order: str, days_ago: int, **fields: object) -> Purchase:
    purchased_on = timezone.localdate() - timedelta(days=days_ago)
    return Purchase.objects.create(
        customer=customer, product=product, order_number=order, purchased_on=purchased_on, **fields
    )


def test_the_360_reads_the_whole_merge_group(brand_a: Brand) -> None:
    survivor = CustomerFactory(brand=brand_a, customer_since=timezone.localdate() - timedelta(days=730))
    merged = CustomerFactory(brand=brand_a, merged_into=survivor)
    plan = Product.objects.create(brand=brand_a, sku="5G", name="5G plan", kind=ProductKind.SUBSCRIPTION)
    _buy(survivor, plan, "A-1", 10, amount=Decimal("40.00"))
    _buy(merged, plan, "B-1", 400, amount=Decimal("99.00"), ends_on=timezone.localdate() - timedelta(days=1))
    _buy(merged, plan, "B-2", 20, amount=Decimal("5.00"), status=PurchaseStatus.RETURNED)
    Note.objects.create(customer=merged, text="Called twice")

    c360 = customer_360(survivor.id)

    assert c360.group_ids == (survivor.id, merged.id)
    assert [(line.order_number, line.is_active_subscription) for line in c360.purchases] == [
        ("A-1", True),
        ("B-2", False),
        ("B-1", False),
    ]
    assert c360.loyalty.spend_12m == (("EUR", Decimal("40.00")),)
    assert c360.loyalty.tenure_days == 730
    assert [note.text for note in c360.notes] == ["Called twice"]


def test_payment_reliability_counts_the_groups_due_invoices(brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    today = timezone.localdate()
    for number, paid_after in (("1", 0), ("2", 3)):
        due = today - timedelta(days=10)
        Invoice.objects.create(
            customer=customer,
            number=number,
            issued_on=due,
            due_on=due,
            amount=Decimal(1),
            paid_on=due + timedelta(days=paid_after),
        )

    reliability = customer_360(customer.id).reliability

    assert (reliability.score, reliability.on_time, reliability.late) == (Decimal("0.500"), 1, 1)
    assert [invoice.state for invoice in customer_360(customer.id).invoices] == ["late", "paid"]


def test_the_tier_explanation_is_shown_whatever_its_shape() -> None:
    stored = {
        "tier": "gold",
        "rule": "Loyal",
        "checks": [{"fact": "spend_12m", "minimum": "500", "value": "812"}, "junk"],
        "facts": {"tenure_days": 900, "payment_reliability": None},
    }

    explained = explain_tier(stored)

    assert explained.rule == "Loyal"
    assert [(c.fact, c.minimum, c.value) for c in explained.checks] == [("spend_12m", "500", "812")]
    assert explained.values == (("payment_reliability", ""), ("tenure_days", "900"))
    assert explain_tier([1, 2]).rule == ""
    assert explain_tier({"rule": {"x": 1}, "checks": "no"}).checks == ()


@pytest.mark.parametrize("size", [1, 60])
def test_the_360_costs_a_fixed_number_of_queries(brand_a: Brand, size: int) -> None:
    customer = CustomerFactory(brand=brand_a)
    for n in range(size):
        member = CustomerFactory(brand=brand_a, merged_into=customer)
        product = Product.objects.create(brand=brand_a, sku=f"S-{n}", name=f"P {n}")
        _buy(member, product, f"O-{n}", n, amount=Decimal(1))
        day = date(2026, 1, 1)
        Invoice.objects.create(customer=member, number=str(n), issued_on=day, due_on=day, amount=Decimal(1))
        Note.objects.create(customer=member, text=str(n))

    with CaptureQueriesContext(connection) as queries:
        customer_360(customer.id)

    assert len(queries) == 10
