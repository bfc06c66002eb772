"""Edits in the back office that change what a tier is computed from recompute it at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from hubbub.crm.models import Customer, Product, Purchase, TierRule
from hubbub.crm.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december(time_machine):
    time_machine.move_to(date(2026, 12, 1), tick=False)


@pytest.fixture
def admin_client_logged_in(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "correct horse battery")
    client.force_login(user)
    return client


def test_adding_a_purchase_in_the_back_office_recomputes_the_customers_tier(admin_client_logged_in, brand_a):
    TierRule.objects.create(brand=brand_a, name="Spenders", tier="gold", min_spend_12m=Decimal("500"))
    customer = CustomerFactory(brand=brand_a)
    product = Product.objects.create(brand=brand_a, sku="X5", name="Acme X5")

    response = admin_client_logged_in.post(
        reverse("admin:crm_purchase_add"),
        {
            "customer": customer.id, "product": product.id, "order_number": "A-1",
            "purchased_on": "2026-11-01", "quantity": 1, "amount": "899.00", "currency": "EUR",
            "status": "active",
        },
    )  # fmt: skip

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.tier, customer.tier_explanation["rule"]) == ("gold", "Spenders")


def test_deleting_the_purchase_brings_the_tier_back_down(admin_client_logged_in, brand_a):
    TierRule.objects.create(brand=brand_a, name="Spenders", tier="gold", min_spend_12m=Decimal("500"))
    customer = CustomerFactory(brand=brand_a, tier="gold")
    product = Product.objects.create(brand=brand_a, sku="X5", name="Acme X5")
    purchase = Purchase.objects.create(
        customer=customer, product=product, order_number="A-1", purchased_on=date(2026, 11, 1), amount=899
    )

    response = admin_client_logged_in.post(
        reverse("admin:crm_purchase_delete", args=[purchase.id]), {"post": "yes"}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.tier == "bronze"


def test_a_new_tier_rule_recomputes_every_customer_of_its_brand_only(
    admin_client_logged_in, brand_a, brand_b
):
    mine = CustomerFactory(brand=brand_a, influence=None)
    other = CustomerFactory(brand=brand_b, tier="silver")

    response = admin_client_logged_in.post(
        reverse("admin:crm_tierrule_add"),
        {"brand": brand_a.id, "name": "Everyone", "tier": "silver", "position": 0},
    )

    assert response.status_code == 302
    assert Customer.objects.get(id=mine.id).tier == "silver"
    other.refresh_from_db()
    assert (other.tier, other.tier_explanation) == ("silver", {})
