"""`hubbub recompute_tiers`: every group of one brand or of all brands, by their rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from hubbub.crm.models import Customer, TierRule
from hubbub.crm.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(date(2026, 12, 1), tick=False)
def test_recompute_tiers_applies_tenure_that_grew_since_the_last_run(brand_a, brand_b):
    TierRule.objects.create(brand=brand_a, name="Loyal", tier="silver", min_tenure_days=365)
    TierRule.objects.create(brand=brand_b, name="Loyal", tier="gold", min_tenure_days=365)
    veteran = CustomerFactory(brand=brand_a, customer_since=date(2025, 1, 1))
    newcomer = CustomerFactory(brand=brand_a, customer_since=date(2026, 6, 1))
    elsewhere = CustomerFactory(brand=brand_b, customer_since=date(2020, 1, 1))
    out = StringIO()

    call_command("recompute_tiers", stdout=out)

    tiers = dict(Customer.objects.values_list("id", "tier"))
    assert (tiers[veteran.id], tiers[newcomer.id], tiers[elsewhere.id]) == ("silver", "bronze", "gold")
    assert out.getvalue() == "recomputed the tiers of 3 customer groups\n"


def test_recompute_tiers_of_one_brand_leaves_the_others_alone(brand_a, brand_b):
    TierRule.objects.create(brand=brand_b, name="All", tier="gold", min_spend_12m=Decimal("0"))
    other = CustomerFactory(brand=brand_b, tier="bronze")

    call_command("recompute_tiers", "--brand", brand_a.slug, stdout=StringIO())

    other.refresh_from_db()
    assert other.tier == "bronze"


def test_recompute_tiers_refuses_an_unknown_brand(db):
    with pytest.raises(CommandError, match="no brand with the slug 'nope'"):
        call_command("recompute_tiers", "--brand", "nope")
